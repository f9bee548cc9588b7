"""What is late or due now, for the top of the home page: a school's overdue follow-ups and
its daily report still to submit; a bureau's schools ranked by what they have let run late.

Every count here reads tables that grow with events (triggers, reports, follow-ups,
clusters), never the people table, grouped by school in one query each: a province's home
costs what its late events and its schools cost (the region's scope joins the schools),
never what its headcount does (docs/decisions.md, issue 16 item 4)."""

import heapq
from dataclasses import dataclass

from django.db.models import Count
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


def _per_school(rows) -> dict[int, int]:
    return {r["school_id"]: r["n"]
            for r in rows.values("school_id").annotate(n=Count("pk")).order_by()}


def late_schools(*, user, now=None) -> LateSchools:
    """The bureau's schools with anything late, most urgent first (a trigger outranks a
    cluster, a cluster a report, a report follow-ups), the first SHOWN."""
    now = now or timezone.now()
    counts = {
        "triggers": _per_school(SchoolTrigger.objects.restrict(user, "emergency.view").filter(
            acknowledged_at__isnull=True, deadline__lt=now, drill=False)),
        "clusters": _per_school(Cluster.objects.restrict(user, "absence.view").filter(
            status=ClusterStatus.OPEN, report_due__lt=now)),
        "report": _per_school(DailyReport.objects.restrict(user, "reports.view").filter(
            day=timezone.localdate(now), submitted_at__isnull=True, due_at__lt=now)),
        "followups": _per_school(FollowUp.objects.restrict(user, "followups.view").filter(
            status=FollowUpStatus.OPEN, drill=False, due_at__lt=now)),
    }
    triggers, clusters, report, followups = (counts["triggers"], counts["clusters"],
                                             counts["report"], counts["followups"])
    ids = set().union(*counts.values())
    # Ranked on ids and counts (a province may have thousands late): only the shown become
    # objects and get their names.
    top = heapq.nsmallest(SHOWN, ids, key=lambda i: (
        -triggers.get(i, 0), -clusters.get(i, 0), -(i in report), -followups.get(i, 0), i))
    schools = School.objects.in_bulk(top)
    shown = [LateSchool(i, triggers=triggers.get(i, 0), clusters=clusters.get(i, 0),
                        report=i in report, followups=followups.get(i, 0),
                        school=schools[i]) for i in top if i in schools]
    return LateSchools(shown, len(ids))


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
