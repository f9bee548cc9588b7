"""What is late or due now, for the top of the home page: a school's overdue follow-ups and
its daily report still to submit; a bureau's schools ranked by what they have let run late.

Every count here reads tables that grow with events (triggers, reports, follow-ups,
clusters), never the people table. A bureau's ranking is one statement: the database counts
each school's late rows of every kind, ranks the schools and sends the ten shown with the
number of schools late, so the page handles ten rows whether a thousand or ten thousand
schools are late (docs/decisions.md, issue 16 item 4)."""

from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from apps.absence.models import Cluster, ClusterStatus
from apps.emergency.models import SchoolTrigger
from apps.followups.models import FollowUp, FollowUpStatus
from apps.orgs.models import School
from apps.reports.models import DailyReport

SHOWN = 10


def overdue_followups(*, user, now=None) -> tuple[list[FollowUp], int]:
    """The user's open follow-ups past due (the first SHOWN, oldest first) and how many."""
    rows = (FollowUp.objects.restrict(user, "followups.view")
            .filter(status=FollowUpStatus.OPEN, drill=False, due_at__lt=now or timezone.now()))
    return (list(rows.select_related("person", "school").order_by("due_at")[:SHOWN]),
            rows.count())


def reports_due(*, user, now=None) -> list[DailyReport]:
    """Today's daily reports of the user's schools not yet submitted, soonest due first."""
    today = timezone.localdate(now or timezone.now())
    return list(DailyReport.objects.restrict(user, "reports.submit")
                .filter(day=today, submitted_at__isnull=True)
                .select_related("school").order_by("due_at")[:SHOWN])


@dataclass
class LateSchool:
    school_id: int
    triggers: int = 0  # not acknowledged by their deadline
    clusters: int = 0  # cluster alerts not reported by their due time
    report: bool = False  # today's daily report not submitted by its deadline
    followups: int = 0  # open follow-ups past due

    school: School | None = None


@dataclass
class LateSchools:
    shown: list[LateSchool]
    total: int  # schools with anything late, shown or not


# The ranking's kinds, most urgent first, each with its late rows (the user's to see).
KINDS = ("triggers", "clusters", "report", "followups")


def _late_rows(user, now) -> dict:
    return {
        "triggers": SchoolTrigger.objects.restrict(user, "emergency.view").filter(
            acknowledged_at__isnull=True, deadline__lt=now, drill=False),
        "clusters": Cluster.objects.restrict(user, "absence.view").filter(
            status=ClusterStatus.OPEN, report_due__lt=now),
        "report": DailyReport.objects.restrict(user, "reports.view").filter(
            day=timezone.localdate(now), submitted_at__isnull=True, due_at__lt=now),
        "followups": FollowUp.objects.restrict(user, "followups.view").filter(
            status=FollowUpStatus.OPEN, drill=False, due_at__lt=now),
    }


def _ranking_sql(rows: dict) -> tuple[str, list]:
    """One statement that counts each school's late rows of every kind, ranks the schools
    and keeps the first SHOWN, with how many schools have anything late: the database
    ranks a province's thousands of late rows, the page receives ten."""
    parts, params = [], []
    for kind, queryset in rows.items():
        if queryset.query.is_empty():  # no grant for this kind: nothing of it is shown
            continue
        sql, kind_params = queryset.order_by().values("school_id").query.sql_with_params()
        flags = ", ".join(f"{int(k == kind)} AS {k}" for k in KINDS)
        parts.append(f"SELECT u.school_id, {flags} FROM ({sql}) u")  # noqa: S608
        params.extend(kind_params)
    if not parts:
        return "", []
    sums = ", ".join(f"SUM({k}) AS {k}" for k in KINDS)
    order = ", ".join(f"SUM({k}) DESC" for k in KINDS)
    return (f"SELECT school_id, {sums}, COUNT(*) OVER () FROM ("  # noqa: S608
            + " UNION ALL ".join(parts)
            + f") late GROUP BY school_id ORDER BY {order}, school_id LIMIT {SHOWN}", params)


def late_schools(*, user, now=None) -> LateSchools:
    """The bureau's schools with anything late, most urgent first (a trigger outranks a
    cluster, a cluster a report, a report follow-ups), the first SHOWN."""
    sql, params = _ranking_sql(_late_rows(user, now or timezone.now()))
    if not sql:
        return LateSchools([], 0)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ranked = cursor.fetchall()
    schools = School.objects.in_bulk([row[0] for row in ranked])
    shown = [LateSchool(school_id, triggers=triggers, clusters=clusters, report=bool(report),
                        followups=followups, school=schools[school_id])
             for school_id, triggers, clusters, report, followups, _total in ranked
             if school_id in schools]
    return LateSchools(shown, ranked[0][-1] if ranked else 0)


def late_concerns(*, user, now=None) -> tuple[list, int]:
    """Concerns (诉求) of the user's schools still unanswered past their deadline, the most
    late first (the first SHOWN), and how many."""
    from apps.concerns.models import Concern, ConcernState

    rows = (Concern.objects.restrict(user, "concerns.view")
            .filter(state=ConcernState.OPEN, due_at__lt=now or timezone.now()))
    return (list(rows.select_related("person", "school").order_by("due_at", "id")[:SHOWN]),
            rows.count())


def supplies_urgent(*, user, schools: bool, region: bool) -> dict:
    """Supplies below cover: a school's short items (live, one school's cover), and for a
    bureau how many of its schools were short at the last daily snapshot, with a link to
    the list."""
    from apps.access.rules import has_org_perm
    from apps.supplies import selectors as supplies

    if not has_org_perm(user, supplies.VIEW):
        return {}
    found: dict = {}
    if schools:
        found["supplies_short"] = supplies.items_below(user=user)
    if region:
        found["supplies_schools_below"] = supplies.schools_below_count(user=user)
    return found


def isolation_urgent(*, user, schools: bool, region: bool) -> dict:
    """Isolated people with no care visit today: a school's (the first SHOWN, longest
    isolated first, and how many), and for a bureau how many in its area."""
    from apps.access.rules import has_org_perm
    from apps.isolation import selectors as isolation

    if not (schools or region) or not has_org_perm(user, isolation.VIEW):
        return {}
    if schools:
        shown, count = isolation.not_visited_today(user=user)
        return {"isolation_unvisited": shown, "isolation_unvisited_count": count}
    return {"isolation_unvisited_total": isolation.not_visited(user=user).count()}
