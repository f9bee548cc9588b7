"""An index of the running tasks for tasks_orphaned_requeue, which every worker's heartbeat
runs: django-tasks-db indexes only the ready ones, and finished results pile up in the same
table. Partial, so it holds the few running rows only (PostgreSQL and SQLite alike)."""

from django.db import migrations

TABLE = "django_tasks_database_dbtaskresult"


class Migration(migrations.Migration):

    dependencies = [
        ("operations", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS operations_running_tasks ON {TABLE} (started_at) "
            "WHERE status = 'RUNNING'",
            "DROP INDEX IF EXISTS operations_running_tasks",
        ),
    ]
