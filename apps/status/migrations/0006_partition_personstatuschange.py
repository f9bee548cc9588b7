# Status changes range-partitioned by month of `changed_at` on PostgreSQL (plain table on
# SQLite): apps.core.partitions, docs/decisions.md. The table has no unique key but its id;
# the one reference into it (an isolation's status change) has no database constraint.

from django.db import migrations

from apps.core.partitions import PartitionByMonth


class Migration(migrations.Migration):

    dependencies = [
        ('status', '0005_change_layer'),
        ('isolation', '0002_status_change_no_db_constraint'),
    ]

    operations = [
        PartitionByMonth('personstatuschange', 'changed_at'),
    ]
