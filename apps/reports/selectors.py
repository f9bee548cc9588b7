"""Reads of the daily reports, always through `Model.objects.restrict(user, perm)`: a school's
report with its versions, a bureau's page (its own schools' reports of a day, submitted /
late / missing, with each school's late and missing days over the last 30 days; its child
bureaus' reports), and the bureaus whose own report a user keeps."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from apps.reports.models import (
    BureauReport,
    DailyReport,
    DailyReportVersion,
    RegionDay,
    ReportStatus,
)

WINDOW_DAYS = 30
SCHOOLS_LIMIT = 500  # schools listed on one bureau's page


def state(report: DailyReport | None, now) -> str:
    """submitted | late | due (before the deadline) | missing (past it, not submitted)."""
    if report is None:  # not drafted yet: the default deadline (the drafting task sets each)
        from apps.reports.drafting import deadline_at

        return "missing" if now > deadline_at(timezone.localdate(now), None) else "due"
    if report.status == ReportStatus.SUBMITTED:
        return "late" if report.late else "submitted"
    return "missing" if now > report.due_at else "due"


def own_bureaus(user, perm: str = "reports.supervise") -> list:
    """The bureaus the user holds `perm` on by a role on the bureau itself (its own report)."""
    from apps.access.grants import grants_for
    from apps.orgs.models import Bureau

    if not (user and user.is_authenticated):
        return []
    nodes = {(g.region_level, g.region_code) for g in grants_for(user)
             if g.level == "region" and perm in g.permissions}
    if not nodes:
        return []
    query = Q()
    for level, code in nodes:
        query |= Q(level=level, region_id=code)
    return list(Bureau.objects.filter(query).order_by("region_id"))


def bureaus_visible(user):
    from apps.orgs.models import Bureau

    return Bureau.objects.restrict(user, "reports.view")


def school_report(*, user, school_id: int, day: date) -> tuple:
    """The school and its report of the day (None if not drafted) with its versions."""
    from apps.orgs.models import School

    school = School.objects.restrict(user, "reports.view").filter(pk=school_id).first()
    if school is None:
        raise Http404
    report = (DailyReport.objects.restrict(user, "reports.view")
              .filter(school_id=school_id, day=day).first())
    versions = list(DailyReportVersion.objects.restrict(user, "reports.view")
                    .filter(report=report).select_related("submitted_by")) if report else []
    return school, report, versions


def schools_for_user(user) -> list:
    """The schools whose report the user submits (school-level grants), for the home link."""
    from apps.access.rules import school_ids_granted
    from apps.orgs.models import School

    ids = school_ids_granted(user, "reports.submit")
    return list(School.objects.filter(pk__in=ids, active=True).order_by("name"))


@dataclass
class SchoolLine:
    school: object
    report: DailyReport | None
    state: str
    late_30: int = 0
    missing_30: int = 0


def bureau_schools(*, user, bureau, day: date, now=None) -> list[SchoolLine]:
    """The bureau's own schools (in the user's scope) with their report of the day and their
    late and missing days over the 30 days before it: three queries."""
    from apps.orgs.models import School

    now = now or timezone.now()
    schools = list(School.objects.restrict(user, "reports.view")
                   .filter(bureau=bureau, active=True).order_by("name")[:SCHOOLS_LIMIT])
    ids = [s.pk for s in schools]
    reports = {r.school_id: r for r in DailyReport.objects.restrict(user, "reports.view")
               .filter(school_id__in=ids, day=day)}
    since = day - timedelta(days=WINDOW_DAYS)
    counts = {row["school_id"]: row for row in DailyReport.objects.filter(
        school_id__in=ids, day__gte=since, day__lt=day).order_by().values("school_id")
        .annotate(late=Count("id", filter=Q(late=True)),
                  missing=Count("id", filter=Q(status=ReportStatus.DRAFT, due_at__lt=now)))}
    lines = []
    for school in schools:
        report = reports.get(school.pk)
        row = counts.get(school.pk, {})
        lines.append(SchoolLine(school, report, state(report, now), row.get("late", 0),
                                row.get("missing", 0)))
    return lines


def bureau_children(*, user, bureau, day: date) -> list[tuple]:
    """The bureau's child bureaus with their report of the day (None: none yet)."""
    children = list(bureaus_visible(user).filter(parent=bureau).order_by("region_id"))
    reports = {r.bureau_id: r for r in BureauReport.objects.restrict(user, "reports.view")
               .filter(bureau__in=children, day=day)}
    return [(child, reports.get(child.pk)) for child in children]


def bureau_report(*, user, bureau, day: date) -> BureauReport | None:
    return (BureauReport.objects.restrict(user, "reports.view")
            .filter(bureau=bureau, day=day).prefetch_related("versions").first())


def bureau_get(*, user, bureau_id: int):
    bureau = bureaus_visible(user).filter(pk=bureau_id).first()
    if bureau is None:
        raise Http404
    return bureau


def counts_of(lines: list[SchoolLine]) -> dict:
    found = {"submitted": 0, "late": 0, "due": 0, "missing": 0}
    for line in lines:
        found[line.state] += 1
    return found


TREND_DAYS = 14
# The figures a home page's trend draws, summed over the schools: (figure, its label key).
TREND_FIGURES = ("checkin_morning_done", "abnormal", "absent")


def _trend_days(today: date | None) -> list[date]:
    today = today or timezone.localdate()
    return [today - timedelta(days=n) for n in range(TREND_DAYS - 1, -1, -1)]


def _trend(days: list[date], rows) -> dict | None:
    """{"days": days, figure: [its sum per day] for each of TREND_FIGURES} from (day,
    {figure: n}) rows; None without any row. A day without a row counts as nothing (a gap
    the reader can see)."""
    sums = {day: dict.fromkeys(TREND_FIGURES, 0) for day in days}
    found = False
    for day, figures in rows:
        found = True
        for name in TREND_FIGURES:
            sums[day][name] += int((figures or {}).get(name) or 0)
    if not found:
        return None
    return {"days": days, **{name: [sums[d][name] for d in days] for name in TREND_FIGURES}}


def schools_trend(*, user, school_ids, today: date | None = None) -> dict | None:
    """The last TREND_DAYS days of these schools' daily reports (the user's to see), summed
    per day (see _trend)."""
    days = _trend_days(today)
    reports = (DailyReport.objects.restrict(user, "reports.view")
               .filter(school_id__in=list(school_ids), day__gte=days[0], day__lte=days[-1])
               .values_list("day", "figures"))
    return _trend(days, reports)


def regions_trend(*, user, regions, today: date | None = None) -> dict | None:
    """The last TREND_DAYS days of the daily reports of the schools in these regions
    ((level, code) pairs, none inside another), from their RegionDay rows (the user's to
    see): TREND_DAYS rows a region, whatever its number of schools (apps.reports.rollup)."""
    if not regions:
        return None
    days = _trend_days(today)
    wanted = Q()
    for level, code in regions:
        wanted |= Q(level=level, code=code)
    rows = (RegionDay.objects.restrict(user, "reports.view").filter(wanted)
            .filter(day__gte=days[0], day__lte=days[-1]).values("day", *TREND_FIGURES))
    return _trend(days, ((row["day"], row) for row in rows))
