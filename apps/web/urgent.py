"""What is late or due now, for the top of the home page: a school's overdue follow-ups and
its daily report still to submit; a bureau's schools ranked by what they have let run late.

Every count here reads tables that grow with events (triggers, reports, follow-ups,
clusters), never the people table. A bureau's ranking reads the first rows of an index over
each school's late counts (reports.SchoolLateness, counted every minute by the worker and at
once when a school acts), so the page reads ten rows whether a thousand or ten thousand
schools are late (docs/decisions.md, issue 16 item 4)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from apps.followups.models import FollowUp, FollowUpStatus
from apps.orgs.models import School
from apps.reports.models import LATENESS_RANK, DailyReport, SchoolLateness

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
    counted_at: datetime | None = None  # when the sweep (or the school's own act) counted


# The grants a ranking row needs: it counts rows of each of these kinds.
LATE_GRANTS = ("emergency.view", "absence.view", "reports.view", "followups.view")


def late_schools(*, user) -> LateSchools:
    """The bureau's schools with anything late, most urgent first (a trigger outranks a
    cluster, a cluster a report, a report follow-ups), the first SHOWN, as the lateness
    sweep last counted them (apps.web.lateness)."""
    rows = SchoolLateness.objects.all()
    for grant in LATE_GRANTS:
        rows = rows.restrict(user, grant)
    shown = list(rows.select_related("school").order_by(*LATENESS_RANK)[:SHOWN])
    return LateSchools(
        [LateSchool(row.school_id, triggers=row.triggers, clusters=row.clusters,
                    report=row.report, followups=row.followups, school=row.school)
         for row in shown],
        rows.count() if len(shown) == SHOWN else len(shown),
        max((row.counted_at for row in shown), default=None))


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


def disinfection_urgent(*, user, schools: bool, region: bool) -> dict:
    """Disinfection and ventilation overdue: a school's overdue areas (the first SHOWN, most
    late first, with how many), and for a bureau how many of its schools have any."""
    from apps.access.rules import has_org_perm
    from apps.disinfection import selectors as disinfection

    if not has_org_perm(user, disinfection.VIEW):
        return {}
    found: dict = {}
    if schools:
        found["disinfection_overdue"], found["disinfection_overdue_count"] = (
            disinfection.overdue(user=user))
    if region:
        found["disinfection_schools_overdue"] = disinfection.schools_overdue_count(user=user)
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
