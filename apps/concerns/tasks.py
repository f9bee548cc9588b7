"""Background work (django.tasks): escalate late concerns."""

from django.tasks import task

from apps.concerns.services import concerns_escalate


@task()
def escalate_late_concerns() -> dict:
    """Every few minutes (settings.PERIODIC_TASKS): concerns past their deadline to the
    school's admins, past the bureau's to the county bureau; each once."""
    return concerns_escalate()
