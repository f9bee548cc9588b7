"""`manage.py roster_stored check|apply IMPORT_ID`: check or import a stored upload, as
the worker's tasks do; the worker runs it in a process of its own (apps.rosters.tasks).
Prints the import's status ("done before" when it was already done)."""

from django.core.management.base import BaseCommand
from django.db import connections

from apps.rosters.services import roster_apply_stored, roster_check_stored

STEPS = {"check": roster_check_stored, "apply": roster_apply_stored}


class Command(BaseCommand):
    help = "Check or import a stored roster upload (what the worker's tasks do)"

    def add_arguments(self, parser):
        parser.add_argument("step", choices=sorted(STEPS))
        parser.add_argument("import_id", type=int)

    def handle(self, *args, step: str, import_id: int, **options):
        try:
            record = STEPS[step](import_id=import_id)
        finally:
            connections.close_all()
        self.stdout.write(record.status if record else "done before")
