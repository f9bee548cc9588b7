"""Background tasks of supplies: the daily snapshot of every school's days of cover."""

from django.tasks import task


@task()
def snapshot_cover() -> int:
    from apps.supplies.services import cover_snapshot_take

    return cover_snapshot_take()
