"""The bar of a recompute of statuses the worker runs after a user's change (a risk area
designated, changed or lifted; an override tightened; a pack chosen now): read from the
worker's own record of the task (apps.core.progress.task_record), never guessed."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.progress import DONE, FAILED, QUEUED, RUNNING, Progress, task_record

SHOWN = timedelta(hours=1)  # a finished recompute's bar stays on its page this long
TASKS = "apps.status.tasks."


def recompute_progress(task: str, *, since, running: str, args: list | None = None,
                       match=None, **result) -> Progress | None:
    """The bar of the latest recompute `task` (a name in apps.status.tasks) queued after
    `since` with these arguments (or those `match` accepts); None when there is none or
    the change is more than an hour old. `running` says what it does; `result` (result_url,
    result_label) where its outcome shows."""
    if since is None or timezone.now() - since > SHOWN:
        return None
    record = task_record(TASKS + task, args, since=since, match=match)
    if record is None:
        return None
    if record.state == DONE:
        persons = record.value if isinstance(record.value, int) else 0
        return Progress(DONE, label=ngettext("%(n)d person's status recomputed.",
                                             "%(n)d persons' statuses recomputed.",
                                             persons) % {"n": persons}, **result)
    labels = {QUEUED: _("Waiting for the worker to recompute the statuses."),
              RUNNING: running,
              FAILED: _("The recompute of the statuses failed: they stay as they were "
                        "until it runs again.")}
    return Progress(record.state, label=labels[record.state], **result)
