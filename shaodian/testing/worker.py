"""Run queued tasks in a test as `manage.py worker` runs them: the task's stored record is
claimed (running), the task called, and its record marked successful or failed, so a page
that reads the worker's record (apps.core.progress.task_record) sees each step."""

from django_tasks_db.models import DBTaskResult


def queued(task_path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task_path, status="READY")
                .order_by("enqueued_at"))


def claim(task_path: str) -> DBTaskResult:
    """The oldest queued task of this kind, claimed (running) but not run yet."""
    record = queued(task_path)[0]
    record.claim("test-worker")
    return record


def finish(record: DBTaskResult, *, fail: bool = False):
    """Run a claimed task and record its end; returns what it returned (None if it failed)."""
    if fail:
        record.set_failed(RuntimeError("the worker died"))
        return None
    value = record.task.call(*record.args_kwargs["args"], **record.args_kwargs["kwargs"])
    record.set_successful(value)
    return value


def run_queued(task_path: str) -> list:
    """Run every queued task of this kind, as the worker would; returns their values."""
    return [finish(claim(task_path)) for _record in queued(task_path)]
