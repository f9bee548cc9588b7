"""An index for the progress bars (apps.core.progress.task_record), which every polling page
asks once a second for the latest task of one kind queued since a moment: finished results
pile up in the table, and django-tasks-db indexes neither the task's path nor when it was
queued (PostgreSQL and SQLite alike)."""

from django.db import migrations

TABLE = "django_tasks_database_dbtaskresult"


class Migration(migrations.Migration):

    dependencies = [
        ("operations", "0002_running_tasks_index"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS operations_task_progress ON {TABLE} "
            "(task_path, enqueued_at)",
            "DROP INDEX IF EXISTS operations_task_progress",
        ),
    ]
