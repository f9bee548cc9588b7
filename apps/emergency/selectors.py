"""Reads: the mode of a school (and of its grades and classes); for bureaus, each school's
readiness (task force, plan version, last drill)."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.emergency.models import (
    Drill,
    Mode,
    ModeScope,
    ModeState,
    ModeSwitch,
    SchoolPlan,
    TaskForceMember,
)
from apps.emergency.plans import VIEW
from apps.orgs.models import School


def school_modes(*, school_ids: Iterable[int]) -> dict[int, str]:
    """The whole-school mode of each school (normal when it has no row): one query."""
    ids = set(school_ids)
    modes = dict.fromkeys(ids, Mode.NORMAL.value)
    modes.update(ModeState.objects.filter(school_id__in=ids, scope=ModeScope.SCHOOL)
                 .values_list("school_id", "mode"))
    return modes


def school_mode(*, school_id: int) -> str:
    return school_modes(school_ids=[school_id])[school_id]


def online_scopes(*, school_id: int) -> dict[str, set[int]]:
    """Grades (units) and classes of a school in online teaching, as
    {"unit": {unit ids}, "klass": {class ids}}."""
    scopes: dict[str, set[int]] = {ModeScope.UNIT: set(), ModeScope.KLASS: set()}
    for scope, key in (ModeState.objects.filter(school_id=school_id, mode=Mode.ONLINE)
                       .exclude(scope=ModeScope.SCHOOL).values_list("scope", "scope_key")):
        scopes[scope].add(int(key))
    return scopes


def mode_states(*, user, school_id: int):
    return ModeState.objects.restrict(user, "emergency.view").filter(school_id=school_id)


def mode_history(*, user, school_id: int):
    return (ModeSwitch.objects.restrict(user, "emergency.view").filter(school_id=school_id)
            .select_related("switched_by"))


# ---- triggers -----------------------------------------------------------------------------


class TriggerState:
    WAITING = "waiting"  # not acknowledged, deadline ahead
    LATE = "late"  # not acknowledged, deadline passed
    ON_TIME = "on_time"  # acknowledged by the deadline
    ACK_LATE = "ack_late"  # acknowledged after the deadline


def trigger_state(trigger, now) -> str:
    if trigger.acknowledged_at is None:
        return TriggerState.WAITING if now < trigger.deadline else TriggerState.LATE
    on_time = trigger.acknowledged_at <= trigger.deadline
    return TriggerState.ON_TIME if on_time else TriggerState.ACK_LATE


def trigger_list(*, user, drill: bool | None = None):
    from apps.emergency.models import SchoolTrigger

    qs = (SchoolTrigger.objects.restrict(user, "emergency.view")
          .select_related("school", "alert", "alert__region"))
    if drill is not None:
        qs = qs.filter(drill=drill)
    return qs.order_by("-fired_at", "school_id")


def trigger_get(*, user, pk: int):
    from django.http import Http404

    trigger = trigger_list(user=user).filter(pk=pk).first()
    if trigger is None:
        raise Http404
    return trigger


def alert_schools(*, user, alert_id: int):
    """The triggers of an alert the user may see, late ones first."""
    from django.db.models import F

    return (trigger_list(user=user).filter(alert_id=alert_id)
            .order_by(F("acknowledged_at").asc(nulls_first=True), "deadline", "school_id"))


def alert_summary(*, user, alert_id: int, now) -> dict:
    """Counts by state and minutes to acknowledge, set-based (two grouped queries)."""
    from django.db.models import Count, Q

    qs = trigger_list(user=user).filter(alert_id=alert_id).order_by()
    counts = qs.aggregate(
        total=Count("id"),
        waiting=Count("id", filter=Q(acknowledged_at__isnull=True, deadline__gt=now)),
        late=Count("id", filter=Q(acknowledged_at__isnull=True, deadline__lte=now)),
        acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        traced=Count("id", filter=Q(traceback_completed_at__isnull=False)),
        people=Count("id", filter=Q(traced_count__gt=0)),
    )
    return counts


def report_progress(*, user, report):
    """How far the fan-out of a case report is (apps.core.progress), from what the worker
    committed: once the alert is written its schools' triggers are written with it (one
    transaction), so the schools reached are the triggers of the alert the user may see;
    before that, the state of the worker's fire_alert task."""
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from apps.core.progress import DONE, QUEUED, Progress, task_record

    if report.alert_id:
        counts = alert_summary(user=user, alert_id=report.alert_id, now=timezone.now())
        n = counts["total"]
        return Progress(
            DONE, done=n, total=n,
            label=ngettext("Reached %(n)d school.", "Reached %(n)d schools.", n) % {"n": n},
            result_url=reverse("emergency:alert_detail", args=[report.alert_id]),
            result_label=_("The triggered schools and their progress"))
    if report.status != "active":
        return Progress(DONE, label=_("Withdrawn before it fired."))
    record = task_record("apps.emergency.tasks.fire_alert", [report.pk],
                         since=report.entered_at)
    # Done without an alert read here: the task's commit is not visible yet; look again.
    state = record.state if record and record.state != DONE else QUEUED
    return Progress(state, label=_("Finding the schools the report reaches and firing their "
                                   "triggers."))


RESPONSE_BUCKETS = (5, 10, 15, 20, 25, 30, 45, 60)


def response_histogram(*, user, alert_id: int) -> list[tuple[str, int]]:
    """How many schools acknowledged within each bucket of minutes (the chart), computed
    from the acknowledged triggers' delays."""
    delays = (trigger_list(user=user).filter(alert_id=alert_id, acknowledged_at__isnull=False)
              .values_list("fired_at", "acknowledged_at"))
    buckets = [0] * (len(RESPONSE_BUCKETS) + 1)
    for fired, acked in delays.iterator(chunk_size=5000):
        minutes = (acked - fired).total_seconds() / 60
        index = next((i for i, edge in enumerate(RESPONSE_BUCKETS) if minutes <= edge),
                     len(RESPONSE_BUCKETS))
        buckets[index] += 1
    labels = [f"≤{edge}" for edge in RESPONSE_BUCKETS] + [f">{RESPONSE_BUCKETS[-1]}"]
    return list(zip(labels, buckets, strict=True))


def trace_list(*, user, trigger) -> list[dict]:
    """Everyone on the school's trace-back list for this alert that the user may see, with
    every link and their follow-up (assignee, status)."""
    from apps.emergency.models import TraceHit
    from apps.followups.models import FollowUp

    hits = (TraceHit.objects.restrict(user, "emergency.view")
            .filter(school_id=trigger.school_id, alert_id=trigger.alert_id,
                    alert_on=trigger.alert.opened_on)  # the partition
            .select_related("person", "person__klass").order_by("person__klass__name",
                                                                 "person__name", "link"))
    followups = {f.person_id: f for f in FollowUp.objects.filter(
        school_id=trigger.school_id, kind="trace_back", source=f"alert:{trigger.alert_id}"
    ).select_related("assignee")}
    people: dict[int, dict] = {}
    for hit in hits:
        entry = people.setdefault(hit.person_id, {
            "person": hit.person, "links": [], "followup": followups.get(hit.person_id)})
        entry["links"].append(hit)
    return list(people.values())


# ---- readiness across schools (bureaus) -------------------------------------------------------


def _count_of(model, **filters):
    return Subquery(model.objects.filter(school=OuterRef("pk"), **filters)
                    .values("school").annotate(n=Count("id")).values("n")[:1])


def readiness_year_ago(now: datetime | None = None) -> datetime:
    """A drill before this is no longer recent: the readiness counts' one-year window."""
    return (now or timezone.now()) - timedelta(days=365)


def schools_readiness(*, user, limit: int | None = 500, now: datetime | None = None):
    """The user's schools with their task force size, plan version and last finished drill
    (one query, capped at `limit`; None: all of them), and how many of all of them lack a
    task force, a plan, or a drill in the last year (three counts)."""
    schools = School.objects.restrict(user, VIEW)
    year_ago = readiness_year_ago(now)
    rows = (schools.select_related("hospital").annotate(
        members=Coalesce(_count_of(TaskForceMember), 0),
        plan_version=Subquery(SchoolPlan.objects.filter(school=OuterRef("pk"))
                              .order_by("-version").values("version")[:1]),
        last_drill=Subquery(Drill.objects.filter(school=OuterRef("pk"),
                                                 finished_at__isnull=False)
                            .order_by("-finished_at").values("finished_at")[:1]),
    ).order_by("county_code", "name")[:limit])
    totals = {
        "schools": schools.count(),
        "no_task_force": schools.exclude(Exists(TaskForceMember.objects.filter(
            school=OuterRef("pk")))).count(),
        "no_plan": schools.exclude(Exists(SchoolPlan.objects.filter(
            school=OuterRef("pk")))).count(),
        "no_recent_drill": schools.exclude(Exists(Drill.objects.filter(
            school=OuterRef("pk"), finished_at__gte=year_ago))).count(),
    }
    return rows, totals
