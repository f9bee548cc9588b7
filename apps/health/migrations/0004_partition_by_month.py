# Check-ins and their revisions, range-partitioned by month on PostgreSQL (plain tables on
# SQLite): apps.core.partitions, docs/decisions.md. Every unique key of a partitioned table
# holds its partition key, and no foreign key may point into one: the client id is unique
# per school and day, a revision's client id is indexed, and its check-in is a plain column.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from apps.core.partitions import PartitionByMonth


class Migration(migrations.Migration):

    dependencies = [
        ('health', '0003_checkin_late'),
        ('orgs', '0003_unit_class_closed'),
        ('people', '0008_headcounts'),
        ('regions', '0002_region_successor'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='checkin',
            name='checkin_client_id_per_school',
        ),
        migrations.RemoveConstraint(
            model_name='checkinrevision',
            name='checkin_revision_client_id',
        ),
        migrations.AlterField(
            model_name='checkinrevision',
            name='checkin',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='health.checkin'),
        ),
        migrations.AddIndex(
            model_name='checkinrevision',
            index=models.Index(fields=['school', 'client_id', 'replaced_at'], name='checkin_revision_client_id'),
        ),
        migrations.AddConstraint(
            model_name='checkin',
            constraint=models.UniqueConstraint(fields=('school', 'client_id', 'day'), name='checkin_client_id_per_school'),
        ),
        PartitionByMonth('checkin', 'day'),
        PartitionByMonth('checkinrevision', 'replaced_at'),
    ]
