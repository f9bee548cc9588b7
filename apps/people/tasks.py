"""The periodic recount of every school's headcount (django.tasks): a safety net under the
recounts that follow each write (apps.people.headcounts), queued every
SHAODIAN_HEADCOUNT_SWEEP_SECONDS (settings.PERIODIC_TASKS). One set-based statement;
idempotent."""

from django.tasks import task

from apps.people.headcounts import headcounts_refresh


@task()
def recount_headcounts() -> int:
    return headcounts_refresh()
