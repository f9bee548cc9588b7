"""Background drafting of the daily reports (django.tasks): the worker queues
`draft_daily_reports` every SHAODIAN_DAILY_REPORT_SWEEP_SECONDS (settings.PERIODIC_TASKS); it
drafts or refreshes today's report of every open school, set-based, and leaves the submitted
ones alone (idempotent), then sums today's reports per region for the trends
(apps.reports.rollup). A report of an earlier day submitted or corrected has that day summed
again by `roll_up_region_day`. Large workbooks are written here too (`run_export`, queued by
apps.reports.exports) and deleted once old (`prune_exports`)."""

from datetime import date

from django.tasks import task
from django.utils import timezone

from apps.reports.drafting import reports_draft
from apps.reports.exports import export_run, exports_prune
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


@task()
def run_export(job_id: int) -> str:
    """Write a large workbook (apps.reports.exports); returns its state."""
    job = export_run(job_id=job_id)
    return job.state if job else "done before"


@task()
def prune_exports() -> int:
    """Periodic: delete the workbooks (and their jobs) past their keeping time."""
    return exports_prune()
