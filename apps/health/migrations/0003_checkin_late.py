from datetime import datetime, time

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

SLOTS = ("morning", "noon", "evening")  # the order of SHAODIAN_CHECKIN_DUE

# On PostgreSQL the bureau's completion-by-school index carries the new column too, so its
# late count stays an index-only scan (migration 0002).
UP = [
    "DROP INDEX IF EXISTS checkin_day_slot_school",
    "CREATE INDEX checkin_day_slot_school ON health_checkin (day, slot, school_id) "
    "INCLUDE (submitted_at, abnormal, late)",
]
DOWN = [
    "DROP INDEX IF EXISTS checkin_day_slot_school",
    "CREATE INDEX checkin_day_slot_school ON health_checkin (day, slot, school_id) "
    "INCLUDE (submitted_at, abnormal)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


def mark_late(apps, schema_editor):
    """The check-ins already stored were late when first submitted after their slot was due
    (what the roll computed until now): one UPDATE per day and slot kept."""
    CheckIn = apps.get_model("health", "CheckIn")
    due = dict(zip(SLOTS, (time.fromisoformat(v) for v in settings.SHAODIAN_CHECKIN_DUE),
                   strict=True))
    pairs = CheckIn.objects.order_by().values_list("day", "slot").distinct()
    for day, slot in list(pairs):
        at = timezone.make_aware(datetime.combine(day, due[slot]))
        CheckIn.objects.filter(day=day, slot=slot, submitted_at__gt=at).update(late=True)


class Migration(migrations.Migration):

    dependencies = [
        ('health', '0002_completion_index_include'),
    ]

    operations = [
        migrations.AddField(
            model_name='checkin',
            name='late',
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_late, migrations.RunPython.noop),
        migrations.RunPython(_run(UP), _run(DOWN)),
    ]
