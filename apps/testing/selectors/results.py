"""Reads for the results pages, always through the scope layer: coverage of a round (per class
and per day), turnaround from closing a tube to its result, positive pools and their
rechecks, who is overdue on a test regimen, and a bureau's summary by school.

Figures are aggregated in the database (GROUP BY, percentiles on PostgreSQL); lists are
capped, so a province-wide scope costs the same handful of queries as a class.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median, quantiles

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.followups.models import FollowUp, FollowUpKind
from apps.orgs.models import School
from apps.status.models import PersonStatus
from apps.testing.models import RoundMember, Sample, TestRound, Tube, TubeResult, TubeStatus

VIEW = "testing.view"
LIST_CAP = 200  # rows of a list page (overdue people, positive pools)
SLOW_CAP = 50_000  # turnaround samples read into Python where the database has no percentile
# Turnaround histogram buckets (hours from closing a tube to its result).
BUCKETS = ((6, _("under 6 h")), (12, _("6–12 h")), (24, _("12–24 h")), (48, _("24–48 h")),
           (None, _("48 h or more")))


def rounds_in_scope(*, user) -> QuerySet[TestRound]:
    return TestRound.objects.restrict(user, VIEW).select_related("school")


# ---- coverage ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    key: str  # a class's name, or a day
    planned: int
    sampled: int

    @property
    def percent(self) -> float:
        return round(100 * self.sampled / self.planned, 1) if self.planned else 0.0


@dataclass
class Coverage:
    round: TestRound
    classes: list[CoverageRow] = field(default_factory=list)
    days: list[CoverageRow] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(r.planned for r in self.classes)

    @property
    def sampled(self) -> int:
        return sum(r.sampled for r in self.classes)

    @property
    def percent(self) -> float:
        return CoverageRow("", self.planned, self.sampled).percent


def _sampled_in_round():
    return Sample.objects.filter(school_id=OuterRef("school_id"), round_id=OuterRef("round_id"),
                                 person_id=OuterRef("person_id"), removed_at__isnull=True,
                                 recheck=False)


def round_coverage(*, user, round_: TestRound) -> Coverage:
    """Planned members of the round and how many of them were sampled, per class (staff
    under their unit) and per planned day; only the members the user may see."""
    members = (RoundMember.objects.restrict(user, VIEW)
               .filter(school_id=round_.school_id, round=round_)
               .annotate(was_sampled=Exists(_sampled_in_round())))
    by_class = (members.values("person__klass__name", "person__unit__name")
                .annotate(planned=Count("id"), sampled=Count("id", filter=Q(was_sampled=True)))
                .order_by("person__klass__name", "person__unit__name"))
    by_day = (members.values("planned_day")
              .annotate(planned=Count("id"), sampled=Count("id", filter=Q(was_sampled=True)))
              .order_by("planned_day"))
    return Coverage(
        round=round_,
        classes=[CoverageRow(r["person__klass__name"] or r["person__unit__name"] or "—",
                             r["planned"], r["sampled"]) for r in by_class],
        days=[CoverageRow(r["planned_day"].isoformat(), r["planned"], r["sampled"])
              for r in by_day],
    )


def school_rounds_coverage(*, user, school: School) -> list[tuple[TestRound, CoverageRow]]:
    """Each round of the school the user sees, newest first, with its planned members and
    how many were sampled (only the members the user may see): one grouped query."""
    counts = {r["round_id"]: r for r in (
        RoundMember.objects.restrict(user, VIEW).filter(school_id=school.pk)
        .annotate(was_sampled=Exists(_sampled_in_round())).values("round_id")
        .annotate(planned=Count("id"), sampled=Count("id", filter=Q(was_sampled=True)))
        .order_by())}
    rounds = rounds_in_scope(user=user).filter(school_id=school.pk).order_by("-day", "-pk")
    return [(r, CoverageRow(r.name, counts.get(r.pk, {}).get("planned", 0),
                            counts.get(r.pk, {}).get("sampled", 0))) for r in rounds]


def round_unsampled(*, user, round_: TestRound) -> list[dict]:
    """The planned members of the round not sampled yet that the user may see (class or unit,
    number, name, planned day), in class order: the list a school office chases."""
    return list(RoundMember.objects.restrict(user, VIEW)
                .filter(school_id=round_.school_id, round=round_)
                .exclude(Exists(_sampled_in_round()))
                .values("person__klass__name", "person__unit__name", "person__number",
                        "person__name", "planned_day")
                .order_by("person__klass__name", "person__unit__name", "person__number",
                          "person_id"))


def sampled_by_day(*, user, round_: TestRound) -> list[tuple[date, int]]:
    """Persons sampled in the round each day (Asia/Shanghai), planned or not."""
    rows = (Sample.objects.restrict(user, VIEW)
            .filter(school_id=round_.school_id, round=round_, removed_at__isnull=True,
                    recheck=False)
            .annotate(day=TruncDate("scanned_at")).values("day")
            .annotate(n=Count("id")).order_by("day"))
    return [(r["day"], r["n"]) for r in rows]


# ---- turnaround --------------------------------------------------------------------------


class _Percentile(Aggregate):
    """PostgreSQL's percentile_cont over an interval."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass(frozen=True)
class Turnaround:
    count: int
    median_hours: float | None
    p90_hours: float | None
    buckets: list[tuple[str, int]]
    waiting: int  # closed tubes without a result
    oldest_waiting: datetime | None  # when the longest-waiting of them was closed


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 1)


def turnaround(*, user, since: datetime) -> Turnaround:
    """From closing a tube (the end of sampling) to its result, for the tubes resulted since
    then: median, 90th percentile and a histogram; and the tubes still waiting."""
    took = ExpressionWrapper(F("result_at") - F("closed_at"), output_field=DurationField())
    tubes = (Tube.objects.restrict(user, VIEW)
             .filter(status=TubeStatus.RESULTED, result_at__gte=since, closed_at__isnull=False)
             .annotate(took=took))
    counts = tubes.aggregate(total=Count("id"), **{
        f"b{i}": Count("id", filter=_bucket(i)) for i in range(len(BUCKETS))})
    median_, p90 = _percentiles(tubes, counts["total"])
    waiting = (Tube.objects.restrict(user, VIEW).filter(status=TubeStatus.CLOSED)
               .aggregate(n=Count("id"), oldest=Min("closed_at")))
    return Turnaround(
        count=counts["total"], median_hours=_hours(median_), p90_hours=_hours(p90),
        buckets=[(str(label), counts[f"b{i}"]) for i, (_h, label) in enumerate(BUCKETS)],
        waiting=waiting["n"], oldest_waiting=waiting["oldest"])


def _bucket(index: int) -> Q:
    upper = BUCKETS[index][0]
    lower = BUCKETS[index - 1][0] if index else None
    q = Q()
    if lower is not None:
        q &= Q(took__gte=timedelta(hours=lower))
    if upper is not None:
        q &= Q(took__lt=timedelta(hours=upper))
    return q


def _percentiles(tubes, total: int) -> tuple[timedelta | None, timedelta | None]:
    if not total:
        return None, None
    if connection.vendor == "postgresql":
        found = tubes.aggregate(median=_Percentile("took", fraction=0.5),
                                p90=_Percentile("took", fraction=0.9))
        return found["median"], found["p90"]
    took = [a - b for a, b in tubes.values_list("result_at", "closed_at")[:SLOW_CAP]]
    if len(took) == 1:
        return took[0], took[0]
    seconds = [t.total_seconds() for t in took]
    return (timedelta(seconds=median(seconds)),
            timedelta(seconds=quantiles(seconds, n=10, method="inclusive")[-1]))


# ---- positive pools ----------------------------------------------------------------------


@dataclass(frozen=True)
class PoolMember:
    person_id: int
    name: str
    klass: str
    followup: str  # open | done | cancelled | "" (none)
    followup_overdue: bool
    recheck: str  # negative | positive | invalid | waiting | "" (not sampled yet)


@dataclass(frozen=True)
class PositivePool:
    tube: Tube
    members: list[PoolMember]

    @property
    def cleared(self) -> int:
        return sum(1 for m in self.members if m.recheck == TubeResult.NEGATIVE)

    @property
    def pending(self) -> int:
        return sum(1 for m in self.members if m.recheck not in (TubeResult.NEGATIVE,
                                                                TubeResult.POSITIVE))


def positive_pools(*, user, since: datetime) -> list[PositivePool]:
    """Positive pools resulted since then, newest first, with the members the user may see,
    each with their recheck follow-up and their single tube's result; pools with no member
    in the user's scope are left out."""
    tubes = list(Tube.objects.restrict(user, VIEW)
                 .filter(result=TubeResult.POSITIVE, pool_size__gt=1, result_at__gte=since)
                 .select_related("school", "round").order_by("-result_at", "-id")[:LIST_CAP])
    if not tubes:
        return []
    samples = (Sample.objects.restrict(user, VIEW)
               .filter(school_id__in={t.school_id for t in tubes},
                       tube_id__in=[t.pk for t in tubes], removed_at__isnull=True,
                       person__isnull=False)  # anonymised past retention: nobody to name
               .select_related("person", "person__klass", "person__unit")
               .order_by("person__klass__name", "person__name"))
    by_tube: dict[int, list[Sample]] = defaultdict(list)
    for s in samples:
        by_tube[s.tube_id].append(s)
    persons = {s.person_id for found in by_tube.values() for s in found}
    followups = _recheck_followups(tubes, persons)
    rechecks = _single_results(tubes, persons)
    pools = []
    for tube in tubes:
        if not by_tube.get(tube.pk):
            continue
        pools.append(PositivePool(tube, [
            _member(s, followups.get((tube.barcode, s.person_id)),
                    rechecks.get(s.person_id, []), tube)
            for s in by_tube[tube.pk]]))
    return pools


def _recheck_followups(tubes: list[Tube], persons: set[int]) -> dict:
    rows = FollowUp.objects.filter(
        school_id__in={t.school_id for t in tubes}, kind=FollowUpKind.RECHECK,
        source__in=[f"tube:{t.barcode}" for t in tubes], person_id__in=persons)
    return {(f.source.removeprefix("tube:"), f.person_id): f for f in rows}


def _single_results(tubes: list[Tube], persons: set[int]) -> dict[int, list[tuple]]:
    """{person: [(scanned_at, result), ...]} of their single tubes."""
    rows = (Sample.objects.filter(school_id__in={t.school_id for t in tubes},
                                  person_id__in=persons, tube__pool_size=1,
                                  removed_at__isnull=True)
            .order_by("scanned_at").values_list("person_id", "scanned_at", "tube__result"))
    found = defaultdict(list)
    for person_id, scanned_at, result in rows:
        found[person_id].append((scanned_at, result))
    return found


def _member(sample: Sample, followup, singles: list[tuple], pool: Tube) -> PoolMember:
    after = [result for at, result in singles if pool.closed_at and at > pool.closed_at]
    recheck = (after[0] or "waiting") if after else ""
    person = sample.person
    return PoolMember(
        person_id=person.pk, name=person.name,
        klass=person.klass.name if person.klass else (person.unit.name if person.unit else ""),
        followup=followup.status if followup else "",
        followup_overdue=bool(followup and followup.overdue), recheck=recheck)


# ---- overdue on a regimen ----------------------------------------------------------------


@dataclass(frozen=True)
class OverdueRow:
    status: PersonStatus
    due: datetime
    index: int | None
    of: int | None
    regimen: str
    not_completed: bool = False  # the regimen's window closed incomplete: a lasting mark


def overdue_tests(*, user, now: datetime | None = None) -> list[OverdueRow]:
    """Persons in scope whose stored status has a test not done and already due (a
    regimen's next test), most overdue first; at most LIST_CAP."""
    now = now or timezone.now()
    rows = (PersonStatus.objects.restrict(user, "status.view").filter(compliant=False)
            .select_related("person", "person__klass", "person__unit")
            .order_by("school_id", "person_id")[:LIST_CAP * 5])
    found = []
    for status in rows:
        test = _first_overdue_test(status.actions, now)
        if test is not None:
            detail = test.get("detail") or {}
            found.append(OverdueRow(status, datetime.fromisoformat(test["due"]),
                                    detail.get("index"), detail.get("of"),
                                    detail.get("regimen", ""),
                                    detail.get("verdict") == "incomplete"))
    return sorted(found, key=lambda r: (r.due, r.status.person_id))[:LIST_CAP]


def regimens_not_completed(*, user) -> int:
    """How many persons in scope carry the mark "regimen not completed" (one count on the
    school-led category index)."""
    return (PersonStatus.objects.restrict(user, "status.view")
            .filter(category="regimen_incomplete", person__active=True).count())


def _first_overdue_test(actions: list[dict], now: datetime) -> dict | None:
    due = [a for a in actions if a.get("kind") == "test" and not a.get("done") and a.get("due")
           and datetime.fromisoformat(a["due"]) < now]
    return min(due, key=lambda a: a["due"], default=None)


# ---- a bureau's summary by school --------------------------------------------------------


@dataclass(frozen=True)
class SchoolRow:
    school: School
    planned: int
    sampled: int
    waiting: int  # closed tubes without a result
    positive: int  # positive tubes resulted in the period
    open_rechecks: int

    @property
    def percent(self) -> float:
        return CoverageRow("", self.planned, self.sampled).percent


def schools_in_scope(*, user) -> QuerySet[School]:
    return School.objects.restrict(user, VIEW).order_by("county_code", "name")


def school_summaries(*, schools: list[School], since: date) -> list[SchoolRow]:
    """Coverage of the rounds that started since then (sampled of planned), tubes waiting,
    positive tubes and open rechecks, for these schools: one grouped query per figure."""
    ids = [s.pk for s in schools]

    def per_school(qs) -> dict[int, int]:
        return dict(qs.filter(school_id__in=ids).values("school_id").annotate(n=Count("id"))
                    .values_list("school_id", "n"))

    planned = per_school(RoundMember.objects.filter(round__day__gte=since))
    sampled = per_school(RoundMember.objects.filter(round__day__gte=since)
                         .filter(Exists(_sampled_in_round())))
    waiting = per_school(Tube.objects.filter(status=TubeStatus.CLOSED))
    positive = per_school(Tube.objects.filter(
        result=TubeResult.POSITIVE,
        result_at__gte=timezone.make_aware(datetime.combine(since, datetime.min.time()))))
    rechecks = per_school(FollowUp.objects.filter(kind=FollowUpKind.RECHECK, status="open"))
    return [SchoolRow(s, planned.get(s.pk, 0), sampled.get(s.pk, 0), waiting.get(s.pk, 0),
                      positive.get(s.pk, 0), rechecks.get(s.pk, 0)) for s in schools]
