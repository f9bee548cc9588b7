"""Background drafting of the daily reports (django.tasks): the worker queues
`draft_daily_reports` every SHAODIAN_DAILY_REPORT_SWEEP_SECONDS (settings.PERIODIC_TASKS); it
drafts or refreshes today's report of every open school, set-based, and leaves the submitted
ones alone (idempotent), then sums today's reports per region for the trends
(apps.reports.rollup). A report of an earlier day submitted or corrected has that day summed
again by `roll_up_region_day`."""

from datetime import date

from django.tasks import task
from django.utils import timezone

from apps.reports.drafting import reports_draft
from apps.reports.rollup import region_days_refresh


@task()
def draft_daily_reports() -> dict:
    today = timezone.localdate()
    counts = reports_draft(day=today)
    counts["regions"] = region_days_refresh(day=today)
    return counts


@task()
def roll_up_region_day(day: str) -> int:
    return region_days_refresh(day=date.fromisoformat(day))
