"""apps.core.progress reads the worker's own record of a task (django-tasks-db), here of a
domain task, so the test lives outside core."""

import pytest

from apps.core.progress import DONE, FAILED, QUEUED, RUNNING, TaskRecord, task_record
from apps.status.tasks import recompute_for_pack_choice
from shaodian.testing import worker

PATH = "apps.status.tasks.recompute_for_pack_choice"


@pytest.mark.django_db
def test_it_reads_the_workers_record_of_a_task_with_these_arguments(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert task_record(PATH, ["410000"]) is None
    recompute_for_pack_choice.enqueue("420000")  # another province's: not this one
    recompute_for_pack_choice.enqueue("410000")
    assert task_record(PATH, ["410000"]).state == QUEUED
    record = worker.claim(PATH)
    assert task_record(PATH, ["420000"]).state == RUNNING
    worker.finish(record, fail=True)
    assert task_record(PATH, ["420000"]).state == FAILED
    record = worker.claim(PATH)
    value = worker.finish(record)
    assert task_record(PATH, ["410000"]) == TaskRecord(DONE, value)
    assert task_record(PATH, ["410000"], since=record.finished_at) is None
