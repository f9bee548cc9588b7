# Gate checks range-partitioned by month of their day on PostgreSQL (plain table on SQLite):
# apps.core.partitions, docs/decisions.md. Every unique key of a partitioned table holds its
# partition key: the client id is unique per school and day. No foreign key points into
# gate checks.

from django.db import migrations, models

from apps.core.partitions import PartitionByMonth


class Migration(migrations.Migration):

    dependencies = [
        ('gate', '0003_gatecheck_day'),
    ]

    operations = [
        migrations.AlterField(
            model_name='gatecheck',
            name='day',
            field=models.DateField(),
        ),
        migrations.RemoveConstraint(
            model_name='gatecheck',
            name='gate_check_client_id',
        ),
        migrations.AddConstraint(
            model_name='gatecheck',
            constraint=models.UniqueConstraint(fields=('school', 'client_id', 'day'), name='gate_check_client_id'),
        ),
        PartitionByMonth('gatecheck', 'day'),
    ]
