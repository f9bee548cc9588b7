"""Background tasks (django.tasks, stored by django-tasks-db, run by `manage.py worker`)."""

from django.tasks import task

from apps.access.services import login_failures_prune
from apps.operations.services import worker_heartbeats_prune


@task()
def prune_login_failures() -> int:
    """Delete login failures older than a day, and workers silent for a day.
    Returns how many login failures went."""
    worker_heartbeats_prune()
    return login_failures_prune()
