"""Background work for rosters (django.tasks, run by `manage.py worker`): each task takes an
id and calls a service. Every one is safe to run twice: the services claim their record with
a conditional UPDATE, so a duplicate or a retry finds the work done and does nothing."""

from django.tasks import task

from apps.rosters.export_jobs import roster_export_run
from apps.rosters.services import (
    roster_apply_stored,
    roster_check_stored,
    roster_files_prune,
    roster_pending_resume,
)


@task()
def check_import(import_id: int) -> str:
    """Check (dry run) a stored upload; returns the import's status."""
    record = roster_check_stored(import_id=import_id)
    return record.status if record else "done before"


@task()
def apply_import(import_id: int) -> str:
    """Import a checked upload the user asked to import; returns the import's status."""
    record = roster_apply_stored(import_id=import_id)
    return record.status if record else "done before"


@task()
def run_export(export_id: int) -> str:
    """Write a large export to its file; returns its status."""
    record = roster_export_run(export_id=export_id)
    return record.status if record else "done before"


@task()
def roster_housekeeping() -> int:
    """Periodic: queue again imports a dead worker left waiting, and delete stored files
    past their keeping time. Returns how many files went."""
    roster_pending_resume()
    return roster_files_prune()
