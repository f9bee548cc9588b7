"""Drafting every school's daily report set-based: the figures of all the schools in one
grouped query per figure (apps.reports.figures), their deadlines from their effective
policies in a few queries (apps.policy.selectors.effective_policies_for_schools), then one
UPDATE of the drafts that exist and one INSERT of the new ones, ids drawn first
(core.db.IdPool). Submitted reports are frozen and left alone; running it again for the same
day changes only figures that moved (idempotent per school and day)."""

from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from apps.core.db import IdPool, chunks
from apps.reports.figures import figures_for_schools
from apps.reports.models import DailyReport, ReportStatus

DEFAULT_DEADLINE_MINUTES = 600  # 10:00, should a pack not give daily_report_deadline
BATCH = 10_000


def deadline_at(day: date, minutes) -> datetime:
    """The day at `minutes` after midnight, Beijing time (the policy's daily_report_deadline)."""
    minutes = int(minutes if minutes is not None else DEFAULT_DEADLINE_MINUTES)
    return timezone.make_aware(datetime.combine(day, time.min) + timedelta(minutes=minutes))


def _deadlines(day: date, school_ids: list[int]) -> dict[int, datetime]:
    from apps.policy.selectors import effective_policies_for_schools

    policies = effective_policies_for_schools(school_ids)
    return {pk: deadline_at(day, policy.params.get("daily_report_deadline"))
            for pk, policy in policies.items()}


def _open_schools(school_ids) -> dict[int, tuple[str, str, str]]:
    """The open schools (of those named), each with its (province, city, county) codes."""
    from apps.orgs.models import School

    schools = School.objects.filter(active=True)
    if school_ids is not None:
        schools = schools.filter(pk__in=list(school_ids))
    rows = schools.order_by("pk").values_list("pk", "province_code", "city_code", "county_code")
    return {pk: tuple(codes) for pk, *codes in rows}


def reports_draft(*, day: date, school_ids=None, now: datetime | None = None) -> dict:
    """Draft (or refresh the draft of) the day's report of every open school, or of those
    named. Returns {"drafted": new rows, "refreshed": drafts updated, "frozen": submitted}."""
    now = now or timezone.now()
    schools = _open_schools(school_ids)
    existing = dict(DailyReport.objects.filter(day=day).filter(
        **({"school_id__in": list(schools)} if school_ids is not None else {}))
        .values_list("school_id", "status"))
    drafts = [pk for pk in schools if existing.get(pk) != ReportStatus.SUBMITTED]
    counts = {"drafted": 0, "refreshed": 0, "frozen": len(schools) - len(drafts)}
    for batch in chunks(drafts, BATCH):
        figures = figures_for_schools(day, batch)
        due = _deadlines(day, batch)
        old = [pk for pk in batch if pk in existing]
        new = [pk for pk in batch if pk not in existing]
        with transaction.atomic():
            counts["refreshed"] += _update(day, old, figures, due, now)
            counts["drafted"] += _insert(day, new, figures, due, now, codes=schools)
    return counts


def _update(day: date, school_ids: list[int], figures: dict, due: dict, now) -> int:
    if not school_ids:
        return 0
    if connection.vendor != "postgresql":
        rows = list(DailyReport.objects.filter(day=day, school_id__in=school_ids,
                                               status=ReportStatus.DRAFT))
        for row in rows:
            row.figures, row.due_at, row.drafted_at = (figures[row.school_id],
                                                       due[row.school_id], now)
        DailyReport.objects.bulk_update(rows, ["figures", "due_at", "drafted_at"],
                                        batch_size=1000)
        return len(rows)
    import json

    table = DailyReport._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} r SET figures = v.figures, due_at = v.due_at, "  # noqa: S608
            "drafted_at = %s FROM (SELECT unnest(%s::bigint[]) AS school_id, "
            "unnest(%s::jsonb[]) AS figures, unnest(%s::timestamptz[]) AS due_at) v "
            "WHERE r.day = %s AND r.school_id = v.school_id AND r.status = %s",
            [now, school_ids, [json.dumps(figures[pk]) for pk in school_ids],
             [due[pk] for pk in school_ids], day, ReportStatus.DRAFT])
        return cursor.rowcount


def _insert(day: date, school_ids: list[int], figures: dict, due: dict, now, *,
            codes: dict[int, tuple[str, str, str]]) -> int:
    if not school_ids:
        return 0
    ids = IdPool(DailyReport).take_many(len(school_ids))
    rows = [DailyReport(pk=pk, school_id=school_id, day=day, figures=figures[school_id],
                        due_at=due[school_id], drafted_at=now,
                        **dict(zip(("province_code", "city_code", "county_code"),
                                   codes[school_id], strict=True)))
            for pk, school_id in zip(ids, school_ids, strict=True)]
    # A report a concurrent drafter or submitter made first is kept (the school and day are
    # unique): this run's row for it is skipped.
    DailyReport.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)
