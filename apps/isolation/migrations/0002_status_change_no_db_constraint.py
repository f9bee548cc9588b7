# Status changes become partitioned by month on PostgreSQL (status 0006): no foreign key may
# point into a partitioned table, so the isolation's change is a plain indexed column.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('isolation', '0001_initial'),
        ('status', '0005_change_layer'),
    ]

    operations = [
        migrations.AlterField(
            model_name='isolation',
            name='status_change',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='status.personstatuschange'),
        ),
    ]
