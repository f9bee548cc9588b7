"""Background tasks (django.tasks, stored by django-tasks-db, run by `manage.py worker`)."""

import logging

from django.tasks import task

from apps.access.services import login_failures_prune
from apps.operations.services import worker_heartbeats_prune

logger = logging.getLogger("shaodian.operations")


@task()
def prune_login_failures() -> int:
    """Delete login failures older than a day, and workers silent for a day.
    Returns how many login failures went."""
    worker_heartbeats_prune()
    return login_failures_prune()


@task()
def purge_expired() -> dict[str, int]:
    """Delete personal records past their keeping period (apps.operations.retention);
    returns the count per kind, which the worker logs."""
    from apps.operations.retention import retention_purge

    counts = retention_purge()
    logger.info("retention purge: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts


@task()
def extend_partitions() -> list[str]:
    """On PostgreSQL, every stream partitioned by month (apps.core.partitions) gets this
    month's partition and the next ones ahead, once each; returns the partitions made."""
    from apps.core.partitions import partitions_maintain

    made = partitions_maintain()
    if made:
        logger.info("partitions made: %s", ", ".join(made))
    return made
