# Notifications range-partitioned by month of created_at on PostgreSQL (plain on SQLite):
# apps.core.partitions, docs/decisions.md. Their dedupe keys moved to NotificationKey and
# deliveries point at them without a foreign key (0002); deliveries stay a plain table.

from django.db import migrations

from apps.core.partitions import PartitionByMonth


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_notification_keys'),
    ]

    operations = [
        PartitionByMonth('notification', 'created_at'),
    ]
