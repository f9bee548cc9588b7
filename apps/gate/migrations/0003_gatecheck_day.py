# A gate check's local day (Asia/Shanghai), the partition key of migration 0004: added bare
# and filled from `at` here, made NOT NULL there (a migration of its own, so the UPDATE's
# rows are settled before that one's ALTER TABLEs).

from django.db import migrations, models
from django.db.models.functions import TruncDate
from django.utils import timezone


def fill_days(apps, schema_editor):
    GateCheck = apps.get_model("gate", "GateCheck")
    GateCheck.objects.filter(day__isnull=True).update(
        day=TruncDate("at", tzinfo=timezone.get_default_timezone()))


class Migration(migrations.Migration):

    dependencies = [
        ('gate', '0002_gate_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='gatecheck',
            name='day',
            field=models.DateField(null=True),
        ),
        migrations.RunPython(fill_days, migrations.RunPython.noop),
    ]
