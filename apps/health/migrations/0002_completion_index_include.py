from django.db import migrations

# On PostgreSQL the bureau's completion-by-school index also carries submitted_at and
# abnormal, so a province's late and abnormal counts come from an index-only scan. SQLite has
# no INCLUDE and needs none at its scale.
UP = [
    "DROP INDEX IF EXISTS checkin_day_slot_school",
    "CREATE INDEX checkin_day_slot_school ON health_checkin (day, slot, school_id) "
    "INCLUDE (submitted_at, abnormal)",
]
DOWN = [
    "DROP INDEX IF EXISTS checkin_day_slot_school",
    "CREATE INDEX checkin_day_slot_school ON health_checkin (day, slot, school_id)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run(UP), _run(DOWN)),
    ]
