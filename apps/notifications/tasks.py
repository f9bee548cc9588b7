"""The delivery loop as a background task: queued every NOTIFICATION_DELIVERY_SECONDS by the
worker (settings.PERIODIC_TASKS) and, on commit, whenever a send created deliveries."""

from django.tasks import task

from apps.notifications.services import delivery_run

BATCH = 100
MAX_BATCHES = 50  # a run ends after 5,000 deliveries; the next run takes the rest


@task()
def deliver_due() -> int:
    """Send every due delivery (claimed in batches, so parallel runs share the work);
    returns how many were attempted."""
    attempted = 0
    for _batch in range(MAX_BATCHES):
        outcome = delivery_run(limit=BATCH)
        done = sum(outcome.values())
        attempted += done
        if done < BATCH:
            break
    return attempted
