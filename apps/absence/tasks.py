"""Background cluster detection (django.tasks): each takes ids, loads what it needs, calls
apps.absence.detection. A new absence queues `detect_clusters` on commit; the worker queues
`detect_clusters_everywhere` every SHAODIAN_CLUSTER_SWEEP_SECONDS (settings.PERIODIC_TASKS),
which catches abnormal check-ins and anything a lost task missed, and warns of clusters past
their report deadline. Both are idempotent."""

from django.tasks import task

from apps.absence.detection import (
    clusters_detect,
    clusters_detect_everywhere,
    clusters_remind_late,
)


@task()
def detect_clusters(school_id: int) -> dict:
    """After a sick absence of this school was registered or its cause recorded."""
    return clusters_detect(school_id=school_id)


@task()
def detect_clusters_everywhere() -> int:
    """Every school with recent cases, then a warning for each cluster past its report
    deadline; returns how many clusters are new."""
    new = clusters_detect_everywhere()
    clusters_remind_late()
    return new
