"""Background work of the home pages (django.tasks): the worker queues `refresh_lateness`
every SHAODIAN_LATENESS_SWEEP_SECONDS (settings.PERIODIC_TASKS), which counts every school's
late items for the bureaus' rankings (apps.web.lateness)."""

from django.tasks import task

from apps.web.lateness import lateness_refresh


@task()
def refresh_lateness() -> int:
    """Every school's late items counted again; returns how many schools have something
    late."""
    return lateness_refresh()
