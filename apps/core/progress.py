"""The progress of long work a user started and the worker runs, as one small protocol the
pages share: a `Progress` (state, done of total, failed, what it means, where the result is),
drawn by one partial (core/_progress.html) that polls its own URL with htmx every second
while the work is not finished and stops polling once it is.

A progress is never invented: each page computes it from data the worker committed (rows it
wrote, its record's state) or from the worker's own task record (`task_record`: queued,
running, failed or done, as django-tasks-db stores it when the worker claims and finishes
the task)."""

from dataclasses import dataclass

from django.shortcuts import render

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATES = (QUEUED, RUNNING, DONE, FAILED)
RECENT_TASKS = 50  # task records of one kind looked at to find the one with these arguments


@dataclass(frozen=True)
class Progress:
    """`total` 0 while the work is not finished: its size is not known yet (the bar is
    indeterminate)."""

    state: str
    done: int = 0
    total: int = 0
    failed: int = 0
    label: str = ""
    result_url: str = ""
    result_label: str = ""

    def __post_init__(self):
        if self.state not in STATES:
            raise ValueError(f"unknown progress state {self.state!r}")
        if self.done < 0 or self.failed < 0 or self.total < 0:
            raise ValueError("progress counts are never negative")

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)

    @property
    def percent(self) -> int:
        if self.state == DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(100 * (self.done + self.failed) / self.total))

    @property
    def indeterminate(self) -> bool:
        return self.state == RUNNING and not self.total


@dataclass(frozen=True)
class TaskRecord:
    state: str
    value: object = None  # what the task returned, once done


def task_record(task_path: str, args: list | None = None, *, since=None,
                match=None) -> TaskRecord | None:
    """The state (and return value) of the latest task `task_path` queued with these
    arguments (or whose arguments `match(args)` accepts; after `since`, when given), as the
    worker recorded it; None when there is none (it ran elsewhere, or its record was
    pruned)."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path=task_path)
    if since is not None:
        rows = rows.filter(enqueued_at__gte=since)
    wanted = list(args or [])
    accepts = match or (lambda given: given == wanted)
    states = {TaskResultStatus.READY: QUEUED, TaskResultStatus.RUNNING: RUNNING,
              TaskResultStatus.FAILED: FAILED, TaskResultStatus.SUCCESSFUL: DONE}
    for status, args_kwargs, value in rows.order_by("-enqueued_at").values_list(
            "status", "args_kwargs", "return_value")[:RECENT_TASKS]:
        if not args_kwargs.get("kwargs") and accepts(args_kwargs.get("args", [])):
            return TaskRecord(states[status], value)
    return None


def progress_response(request, progress: Progress, *, url: str, element_id: str):
    """The bar alone, for the page's polling (and for a plain GET of the same URL)."""
    return render(request, "core/_progress.html",
                  {"progress": progress, "url": url, "element_id": element_id})
