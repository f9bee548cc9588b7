from django.db import migrations, models

# A trigram index makes `name LIKE '%明%'` an index scan on PostgreSQL over millions of
# people; pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner may add it.
# SQLite has no equivalent and needs none at its scale.
TRIGRAM_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_name_trgm ON people_person USING gin (name gin_trgm_ops)",
]
TRIGRAM_DOWN = ["DROP INDEX IF EXISTS person_name_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["number"], name="person_number_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.RunPython(_run(TRIGRAM_UP), _run(TRIGRAM_DOWN)),
    ]
