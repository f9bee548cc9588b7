"""Background drafting of the daily reports (django.tasks): the worker queues
`draft_daily_reports` every SHAODIAN_DAILY_REPORT_SWEEP_SECONDS (settings.PERIODIC_TASKS); it
drafts or refreshes today's report of every open school, set-based, and leaves the submitted
ones alone (idempotent)."""

from django.tasks import task
from django.utils import timezone

from apps.reports.drafting import reports_draft


@task()
def draft_daily_reports() -> dict:
    return reports_draft(day=timezone.localdate())
