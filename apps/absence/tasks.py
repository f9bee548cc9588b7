"""Background cluster detection (django.tasks): each takes ids, loads what it needs, calls
apps.absence.detection. A new absence queues `detect_clusters` on commit; the worker queues
`detect_clusters_everywhere` every SHAODIAN_CLUSTER_SWEEP_SECONDS (settings.PERIODIC_TASKS),
which catches abnormal check-ins and anything a lost task missed. Both are idempotent."""

from django.tasks import task

from apps.absence.detection import clusters_detect, clusters_detect_everywhere


@task()
def detect_clusters(school_id: int) -> dict:
    """After a sick absence of this school was registered or its cause recorded."""
    return clusters_detect(school_id=school_id)


@task()
def detect_clusters_everywhere() -> int:
    """Every school with recent cases; returns how many clusters are new."""
    return clusters_detect_everywhere()
