"""Background work of approvals (django.tasks)."""

from django.tasks import task

from apps.approvals.services import approvals_remind_overdue


@task()
def remind_overdue() -> int:
    """Periodically (settings.PERIODIC_TASKS): remind the approvers of requests past their
    deadline, once each."""
    return approvals_remind_overdue()
