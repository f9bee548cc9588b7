# Trace hits range-partitioned by month on PostgreSQL (plain table on SQLite):
# apps.core.partitions, docs/decisions.md. The partition column is the alert's opening day
# (Asia/Shanghai), the same for every retry of a hit, so the unique key that must hold it
# still makes the trace-back's INSERT ... SELECT ... ON CONFLICT idempotent. The column is
# added bare, filled from the alerts, then made NOT NULL; the constraint follows on its own.

from django.db import migrations, models
from django.utils import timezone

from apps.core.partitions import PartitionByMonth


def fill_alert_on(apps, schema_editor):
    Alert = apps.get_model("emergency", "Alert")
    TraceHit = apps.get_model("emergency", "TraceHit")
    alerts = Alert.objects.filter(
        pk__in=TraceHit.objects.values("alert_id")).values_list("pk", "opened_at")
    for alert_id, opened_at in alerts.iterator():
        TraceHit.objects.filter(alert_id=alert_id).update(
            alert_on=timezone.localdate(opened_at))


class Migration(migrations.Migration):

    dependencies = [
        ('emergency', '0004_campus_resident'),
    ]

    operations = [
        migrations.AddField(
            model_name='tracehit',
            name='alert_on',
            field=models.DateField(null=True),
        ),
        migrations.RunPython(fill_alert_on, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='tracehit',
            name='alert_on',
            field=models.DateField(),
        ),
        migrations.RemoveConstraint(
            model_name='tracehit',
            name='trace_hit_once',
        ),
        migrations.AddConstraint(
            model_name='tracehit',
            constraint=models.UniqueConstraint(fields=('school', 'alert', 'person', 'link', 'ref_id', 'alert_on'), name='trace_hit_once'),
        ),
        PartitionByMonth('tracehit', 'alert_on'),
    ]
