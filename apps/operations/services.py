"""Writes for operations: the worker's heartbeat, housekeeping, tasks of dead workers."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from apps.operations.models import WorkerHeartbeat

logger = logging.getLogger("shaodian.operations")

# A worker is dead after this many heartbeats missed; a task is tried this many times
# before it is failed (one that kills every worker running it must not kill them forever).
SILENT_BEATS = 3
MAX_TASK_ATTEMPTS = 5


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


def tasks_orphaned_requeue(*, now=None) -> int:
    """Queue again each task left RUNNING by a worker that died (SIGKILL, out of memory, a
    lost machine): its worker's heartbeat is older than SILENT_BEATS intervals, or gone.
    Each is taken back by a conditional UPDATE on the claim it had (status and start), so
    two workers recovering at once queue it once, and a worker that was only slow and
    finished meanwhile keeps its result. Every task is safe to run again (their services
    claim their records), which is what makes the rerun exactly-once. Returns how many."""
    now = now or timezone.now()
    silent_since = now - timedelta(seconds=SILENT_BEATS * settings.WORKER_HEARTBEAT_SECONDS)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=silent_since)
                .values_list("worker_id", flat=True))
    running = DBTaskResult.objects.running().filter(started_at__lt=silent_since).values_list(
        "pk", "started_at", "worker_ids", "task_path")
    count = 0
    for pk, started_at, worker_ids, path in running:
        if worker_ids and worker_ids[-1] in alive:
            continue
        claim = DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING,
                                            started_at=started_at)
        gave_up = len(worker_ids) >= MAX_TASK_ATTEMPTS
        if gave_up:
            moved = claim.update(status=TaskResultStatus.FAILED, finished_at=now,
                                 exception_class_path="apps.operations.WorkerDied",
                                 traceback=f"its worker died {len(worker_ids)} times")
        else:
            moved = claim.update(status=TaskResultStatus.READY, started_at=None)
        if moved:
            logger.warning("task %s (%s) left running by a dead worker: %s", pk, path,
                           "failed" if gave_up else "queued again")
        count += moved
    return count
