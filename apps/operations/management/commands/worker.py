"""`manage.py worker`: django-tasks-db's worker loop, plus a heartbeat for /healthz.

Takes every option of `db_worker` (--batch, --queue-name, --interval, ...)."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from apps.operations.heartbeat import Heartbeat


class Command(DbWorkerCommand):
    help = "Run the background worker (django-tasks-db) and record its heartbeat"

    def handle(self, *args, **options):
        # With --reload the parent process only watches files; the child runs tasks and beats.
        runs_tasks = not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        heartbeat = Heartbeat(worker_id=options["worker_id"]) if runs_tasks else None
        if heartbeat:
            heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            if heartbeat:
                heartbeat.stop()
