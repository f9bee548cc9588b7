"""Background work for rosters (django.tasks, run by `manage.py worker`): each task takes an
id and calls a service. Every one is safe to run twice: the services claim their record with
a conditional UPDATE, so a duplicate or a retry finds the work done and does nothing."""

import os
import subprocess
import sys

from django.conf import settings
from django.tasks import task

from apps.rosters.models import RosterImport
from apps.rosters.reading import may_fork
from apps.rosters.services import (
    roster_apply_stored,
    roster_check_stored,
    roster_files_prune,
    roster_pending_resume,
)
from apps.rosters.services.export_jobs import roster_export_run

# From this size a file may hold PARALLEL_ROWS rows (50,000 rows of a few short columns
# make about 1 MB of .xlsx); below it, forking would not pay the start of a process.
OWN_PROCESS_BYTES = 256 * 1024


@task()
def check_import(import_id: int) -> str:
    """Check (dry run) a stored upload; returns the import's status."""
    if _own_process(import_id):
        return _in_own_process("check", import_id)
    record = roster_check_stored(import_id=import_id)
    return record.status if record else "done before"


@task()
def apply_import(import_id: int) -> str:
    """Import a checked upload the user asked to import; returns the import's status."""
    if _own_process(import_id):
        return _in_own_process("apply", import_id)
    record = roster_apply_stored(import_id=import_id)
    return record.status if record else "done before"


def _own_process(import_id: int) -> bool:
    """Whether to check or import in a process of its own: a file large enough to be
    checked on both cores (apps.rosters.services.checker forks) in a process that runs
    other threads (the worker's heartbeat), which must not fork: the child would inherit
    every lock those threads hold at that moment, taken forever (Python warns: "This
    process is multi-threaded, use of fork() may lead to deadlocks"). Without it the rows
    would be checked on one core (services.may_fork). Smaller files stay here."""
    if not hasattr(os, "fork") or may_fork():
        return False
    size = RosterImport.objects.filter(pk=import_id).values_list("size", flat=True).first()
    return (size or 0) >= OWN_PROCESS_BYTES


def _in_own_process(step: str, import_id: int) -> str:
    """The check or the import run by `manage.py roster_stored` in a new process, started
    by exec: it runs no other thread, so it may fork. It costs the start of Django (about
    1 s) on a file large enough for the worker. The service claims its record in its own
    transaction, as in the worker: if the process dies, nothing is half-written and the
    import waits to be run again (roster_pending_resume)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get(
        "DJANGO_SETTINGS_MODULE", "shaodian.settings"),
        "SHAODIAN_ROSTER_FILES_DIR": str(settings.ROSTER_FILES_DIR)}
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, no shell
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "roster_stored", step,
         str(import_id)],
        env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"roster_stored {step} {import_id} failed:\n{done.stderr[-4000:]}")
    return done.stdout.strip().splitlines()[-1]


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
