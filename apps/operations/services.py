"""Writes for operations: the worker's heartbeat, housekeeping."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.operations.models import WorkerHeartbeat


def worker_heartbeat_record(*, worker_id: str, started_at) -> None:
    """One row per worker, updated in place: a single idempotent upsert."""
    now = timezone.now()
    WorkerHeartbeat.objects.bulk_create(
        [WorkerHeartbeat(worker_id=worker_id, seen_at=now, started_at=started_at)],
        update_conflicts=True, unique_fields=["worker_id"], update_fields=["seen_at"],
    )


def worker_heartbeats_prune(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Forget workers silent for a day (each run of `worker` gets a new id)."""
    stale = WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - older_than)
    deleted, _rows = stale.delete()
    return deleted


def periodic_task_enqueue(path: str) -> None:
    """Queue one of settings.PERIODIC_TASKS by its dotted path, once the surrounding
    transaction (if any) commits."""
    transaction.on_commit(import_string(path).enqueue)


def housekeeping_enqueue() -> None:
    """Queue the periodic clean-up, once the surrounding transaction (if any) commits."""
    periodic_task_enqueue("apps.operations.tasks.prune_login_failures")
