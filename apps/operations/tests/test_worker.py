"""The background worker: heartbeat upsert, the housekeeping task, `manage.py worker`."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.access.models import LoginFailure
from apps.operations.heartbeat import Heartbeat
from apps.operations.models import WorkerHeartbeat
from apps.operations.services import (
    MAX_TASK_ATTEMPTS,
    housekeeping_enqueue,
    tasks_orphaned_requeue,
    worker_heartbeat_record,
)
from apps.operations.tasks import prune_login_failures

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def old_and_new_failures():
    LoginFailure.objects.create(username="old")
    LoginFailure.objects.filter(username="old").update(at=F("at") - timedelta(days=2))
    LoginFailure.objects.create(username="new")


@pytest.mark.django_db
def test_it_upserts_one_heartbeat_row_per_worker():
    started = timezone.now() - timedelta(minutes=5)
    worker_heartbeat_record(worker_id="w1", started_at=started)
    first = WorkerHeartbeat.objects.get().seen_at
    worker_heartbeat_record(worker_id="w1", started_at=timezone.now())
    row = WorkerHeartbeat.objects.get()
    assert row.seen_at >= first
    assert row.started_at == started  # the start of the run is kept


@pytest.mark.django_db(transaction=True)
def test_it_runs_housekeeping_after_commit_only():
    old_and_new_failures()
    with override_settings(TASKS=IMMEDIATE):
        from django.db import transaction

        with transaction.atomic():
            housekeeping_enqueue()
            assert LoginFailure.objects.filter(username="old").exists()  # not before commit
        assert list(LoginFailure.objects.values_list("username", flat=True)) == ["new"]


@pytest.mark.django_db
def test_it_prunes_login_failures_and_silent_workers_in_the_task():
    old_and_new_failures()
    long_ago = timezone.now() - timedelta(days=3)
    WorkerHeartbeat.objects.create(worker_id="gone", seen_at=long_ago, started_at=long_ago)
    worker_heartbeat_record(worker_id="alive", started_at=timezone.now())
    with override_settings(TASKS=IMMEDIATE):
        result = prune_login_failures.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["alive"]


@pytest.mark.django_db(transaction=True)
def test_it_beats_in_its_own_thread_and_stops():
    heartbeat = Heartbeat(worker_id="thread-test", interval=0.05)
    heartbeat.start()
    first = WorkerHeartbeat.objects.get(worker_id="thread-test").seen_at  # beat on start
    deadline = time.monotonic() + 5
    while WorkerHeartbeat.objects.get(worker_id="thread-test").seen_at == first:
        assert time.monotonic() < deadline, "the thread never beat"
        time.sleep(0.02)
    heartbeat.stop()
    assert not heartbeat.is_alive()


@pytest.mark.django_db(transaction=True)
def test_it_runs_queued_tasks_and_beats_from_the_worker_command():
    old_and_new_failures()
    result = prune_login_failures.enqueue()  # the configured django-tasks-db backend
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload",
                 "--worker-id", "cmd-test", verbosity=0)
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == TaskResultStatus.SUCCESSFUL
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["new"]
    assert WorkerHeartbeat.objects.filter(worker_id="cmd-test").exists()


@pytest.mark.django_db
def test_it_queues_each_periodic_task_at_start_and_then_at_its_period(settings, monkeypatch):
    from apps.operations import heartbeat as module

    settings.PERIODIC_TASKS = {"a.task": 60, "b.task": 3600}
    queued = []
    monkeypatch.setattr(module, "periodic_task_enqueue", queued.append)
    beat = Heartbeat(worker_id="periodic")
    beat.queue_due_tasks(now=1000.0)
    assert queued == ["a.task", "b.task"]
    beat.queue_due_tasks(now=1059.0)
    assert queued == ["a.task", "b.task"]
    beat.queue_due_tasks(now=1060.0)
    assert queued == ["a.task", "b.task", "a.task"]


def running_task(worker_id: str, *, minutes_ago: int = 5, attempts: int = 1) -> DBTaskResult:
    result = prune_login_failures.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = TaskResultStatus.RUNNING
    row.started_at = timezone.now() - timedelta(minutes=minutes_ago)
    row.worker_ids = [f"{worker_id}-{n}" for n in range(attempts - 1)] + [worker_id]
    row.save()
    return row


def silent_worker(worker_id: str, *, seconds: int) -> None:
    seen = timezone.now() - timedelta(seconds=seconds)
    WorkerHeartbeat.objects.create(worker_id=worker_id, seen_at=seen, started_at=seen)


@pytest.mark.django_db
@override_settings(WORKER_HEARTBEAT_SECONDS=10)
def test_it_queues_again_the_tasks_of_a_worker_whose_heartbeat_stopped():
    silent_worker("dead", seconds=31)
    silent_worker("alive", seconds=5)
    orphan, busy, forgotten = (running_task("dead"), running_task("alive"),
                               running_task("pruned"))  # its heartbeat row is gone
    assert tasks_orphaned_requeue() == 2
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[orphan.pk] == statuses[forgotten.pk] == TaskResultStatus.READY
    assert statuses[busy.pk] == TaskResultStatus.RUNNING
    assert tasks_orphaned_requeue() == 0  # taken back once


@pytest.mark.django_db
@override_settings(WORKER_HEARTBEAT_SECONDS=10)
def test_it_leaves_a_task_just_claimed_by_a_worker_not_yet_seen():
    running_task("new", minutes_ago=0)
    assert tasks_orphaned_requeue() == 0


@pytest.mark.django_db
@override_settings(WORKER_HEARTBEAT_SECONDS=10)
def test_it_fails_a_task_that_killed_its_worker_too_often():
    row = running_task("dead", attempts=MAX_TASK_ATTEMPTS)
    assert tasks_orphaned_requeue() == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert "died" in row.traceback

