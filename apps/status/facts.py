"""Facts about many persons at once, in a fixed number of queries per batch.

The engine (apps.policy.engine) is pure: it gets a PersonFacts per person. This module reads
them from the database for a batch of persons, whatever its size, in the same handful of
queries: persons with their school's region, trip legs (theirs and their co-residents'),
planned trips (approval requests, from the source apps.approvals registers), the end of
each person's latest isolation record (from the source apps.isolation registers), exposures,
check-ins, test results, region names, the regimens their stored status asked for and their
open regimen marks, and the risk areas (read once and shared by every batch).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from apps.emergency.selectors import school_modes
from apps.health.models import CheckIn
from apps.people.models import Person
from apps.policy.engine import facts as engine
from apps.regions.models import Region
from apps.risk.models import RiskArea
from apps.status.models import PersonStatus, RegimenMark
from apps.travel.models import Exposure, TripLeg

# The longest look back any rule of the shipped packs needs (henan-2022: 14 days of trace-back).
DEFAULT_LOOKBACK_DAYS = 14

_PERSON_FIELDS = ("id", "school_id", "kind", "residence", "residence_region_id",
                  "school__region_id")
# Check-ins the engine may act on: abnormal when submitted, or warm enough that a tightened
# fever threshold could count them (no pack sets one below this). Normal ones are most rows
# and change nothing, so they are not read.
CHECKIN_WARM_CELSIUS = 37.0
_LEG_FIELDS = ("person_id", "household_member_id", "from_region_id", "to_region_id", "depart",
               "arrive", "transport", "number")


@dataclass(frozen=True)
class Window:
    """Today, now, and how far back trips, exposures and lifted designations still count."""

    today: date
    now: datetime
    lookback_days: int = DEFAULT_LOOKBACK_DAYS

    @property
    def since(self) -> date:
        return self.today - timedelta(days=self.lookback_days)


def risk_areas_in_window(window: Window) -> tuple[engine.RiskArea, ...]:
    """Designations in force today or lifted within the window: one query, shared by all."""
    rows = RiskArea.objects.filter(start__lte=window.today).filter(
        Q(end__isnull=True) | Q(end__gte=window.since)
    ).values_list("region_id", "level", "start", "end", "sub_area")
    return tuple(
        engine.RiskArea(region=region, level=level, start=start, end=end, sub_area=sub_area)
        for region, level, start, end, sub_area in rows
    )


def load_facts(
    *,
    school_id: int,
    person_ids: Iterable[int],
    today: date,
    now: datetime,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
) -> dict[int, engine.PersonFacts]:
    """PersonFacts of the school's persons (inactive or unknown ids are left out)."""
    window = Window(today, now, lookback_days)
    return load_facts_batch(
        persons={school_id: list(person_ids)}, window=window,
        risk_areas=risk_areas_in_window(window),
    )


def load_facts_batch(
    *,
    persons: Mapping[int, list[int]],
    window: Window,
    risk_areas: tuple[engine.RiskArea, ...],
) -> dict[int, engine.PersonFacts]:
    """PersonFacts for {school_id: [person_id, ...]} of one or more schools, in a fixed
    number of queries (persons, trip legs, exposures, check-ins, test results, region names,
    school modes) however many persons there are.

    Several small schools share a batch, so that a risk area touching three persons in each
    of a thousand schools costs a few batches, not a thousand."""
    school_ids = list(persons)
    person_ids = [pk for ids in persons.values() for pk in ids]
    people = list(
        _in_batch(Person, school_ids, person_ids, person_field="id")
        .filter(active=True).values_list(*_PERSON_FIELDS)
    )
    # A transferred person's trips, exposures, check-ins and tests stay with the school they
    # were made at (apps.transfers): those schools are read too, for these persons only.
    history = school_ids + _earlier_schools(school_ids, person_ids)
    trips = _trips(history, person_ids, window)
    exposures = _exposures(history, person_ids, window)
    checkins = _checkins(history, person_ids, window)
    regimens = _regimens(school_ids, person_ids)
    marks = _marks(school_ids, person_ids)
    tests = _tests(history, person_ids, window, regimens)
    planned = _planned(school_ids, person_ids, window)
    isolated = _isolated(history, person_ids, window)
    names = _region_names(people, [*trips.values(), *planned.values()], exposures, risk_areas)
    modes = school_modes(school_ids=school_ids)
    on_campus = _on_campus(school_ids, person_ids, window)
    return {
        pk: _facts(
            (pk, school_id, kind, residence, home or "", school_region or ""), window,
            trips=tuple(trips.get(pk, ())), exposures=tuple(exposures.get(pk, ())),
            checkins=tuple(checkins.get(pk, ())), tests=tuple(tests.get(pk, ())),
            risk_areas=risk_areas, region_names=names, school_mode=modes[school_id],
            regimens=tuple(regimens.get(pk, ())), marks=tuple(marks.get(pk, ())),
            planned_trips=tuple(planned.get(pk, ())), isolated_until=isolated.get(pk),
            lives_on_campus=pk in on_campus,
        )
        for pk, school_id, kind, residence, home, school_region in people
    }


def _on_campus(school_ids, person_ids, window: Window) -> set[int]:
    """Staff recorded as living on campus today (apps.emergency): boarders in closed loop."""
    from apps.emergency.residents import residents_in_force

    return residents_in_force(school_ids=school_ids, person_ids=person_ids, day=window.today)


def _in_batch(model, school_ids: list[int], person_ids: list[int], *, person_field="person_id"):
    # The school leads every filter: the indexes start with it, and a sharded table is read
    # on the shards of these schools only.
    return model.objects.filter(school_id__in=school_ids, **{f"{person_field}__in": person_ids})


def _trips(school_ids, person_ids, window: Window) -> dict[int, list[engine.TripLeg]]:
    legs = defaultdict(list)
    rows = (
        _in_batch(TripLeg, school_ids, person_ids)
        .filter(arrive__gte=window.since, depart__lte=window.today)
        .order_by("person_id", "depart", "arrive", "pk")
        .values_list(*_LEG_FIELDS)
    )
    for person_id, member_id, from_region, to_region, depart, arrive, transport, number in rows:
        legs[person_id].append(engine.TripLeg(
            from_region=from_region, to_region=to_region, depart=depart, arrive=arrive,
            transport=transport, number=number,
            traveller="household" if member_id else "self",
        ))
    return legs


def _exposures(school_ids, person_ids, window: Window) -> dict[int, list[engine.Exposure]]:
    found = defaultdict(list)
    rows = (
        _in_batch(Exposure, school_ids, person_ids)
        .filter(on__gte=window.since, on__lte=window.today)
        .order_by("person_id", "on", "pk")
        .values_list("person_id", "kind", "on", "region_id", "detail")
    )
    for person_id, kind, on, region, detail in rows:
        found[person_id].append(
            engine.Exposure(kind=kind, on=on, region=region or "", detail=detail)
        )
    return found


def _checkins(school_ids, person_ids, window: Window) -> dict[int, list[engine.CheckIn]]:
    found = defaultdict(list)
    rows = (
        _in_batch(CheckIn, school_ids, person_ids)
        .filter(day__gte=window.since, day__lte=window.today)
        .filter(Q(abnormal=True) | Q(temperature__gte=CHECKIN_WARM_CELSIUS))
        .order_by("person_id", "day", "slot")
        .values_list("person_id", "day", "slot", "temperature", "symptoms")
    )
    for person_id, day, slot, temperature, symptoms in rows:
        found[person_id].append(engine.CheckIn(
            day=day, slot=slot,
            temperature=None if temperature is None else float(temperature),
            symptoms=tuple(symptoms or ()),
        ))
    return found


_tests_source: Callable | None = None
_earlier_schools_source: Callable | None = None
_planned_trips_source: Callable | None = None


def set_planned_trips_source(source: Callable | None) -> None:
    """Register the function that reads each person's planned trips: `source(school_ids,
    person_ids, today)` -> {person_id: [engine.TripLeg, ...]} (apps.approvals does, in its
    ready(): pending and approved cross-province trip requests). None: no planned trips."""
    global _planned_trips_source
    _planned_trips_source = source


def _planned(school_ids, person_ids, window: Window) -> dict[int, list[engine.TripLeg]]:
    if _planned_trips_source is None or not person_ids:
        return {}
    return _planned_trips_source(school_ids, person_ids, window.today)


_isolation_source: Callable | None = None


def set_isolation_source(source: Callable | None) -> None:
    """Register the function that reads the end of each person's latest isolation record:
    `source(school_ids, person_ids, today)` -> {person_id: date} (apps.isolation does, in its
    ready(): the planned end of an open isolation, the last day of a closed one). None: no
    isolation records (the engine then goes by positive tests alone)."""
    global _isolation_source
    _isolation_source = source


def _isolated(school_ids, person_ids, window: Window) -> dict[int, date]:
    if _isolation_source is None or not person_ids:
        return {}
    return _isolation_source(school_ids, person_ids, window.today)


def set_earlier_schools_source(source: Callable | None) -> None:
    """Register the function that names the schools some persons were at before the ones
    they are at now: `source(school_ids, person_ids)` -> [school_id, ...] (the transfers app
    does, in its ready()). Without one, a person's rows are read at their school only."""
    global _earlier_schools_source
    _earlier_schools_source = source


def _earlier_schools(school_ids, person_ids) -> list[int]:
    if _earlier_schools_source is None or not person_ids:
        return []
    return sorted(set(_earlier_schools_source(school_ids, person_ids)) - set(school_ids))


def set_tests_source(source: Callable | None) -> None:
    """Register the function that reads each person's resulted tests: `source(school_ids,
    person_ids, since, now)` -> {person_id: [engine.TestResult, ...]} (the testing app does,
    in its ready(); status reads tests, it does not import the app that keeps them)."""
    global _tests_source
    _tests_source = source


def _tests(school_ids, person_ids, window: Window,
           regimens: Mapping[int, list[engine.Regimen]]) -> dict[int, list[engine.TestResult]]:
    """Tests since the window's start, or since the start of the earliest regimen the batch's
    stored statuses ask for, if earlier (its verdict counts every test of its window)."""
    if _tests_source is None:
        raise ImproperlyConfigured(
            "status.facts has no tests source: apps.testing must call "
            "apps.status.facts.set_tests_source(fn) in its AppConfig.ready() "
            "(is apps.testing in INSTALLED_APPS?)"
        )
    first = min((r.start for found in regimens.values() for r in found), default=window.since)
    since = timezone.make_aware(datetime.combine(min(first, window.since), time.min))
    return _tests_source(school_ids, person_ids, since, window.now)


def _regimens(school_ids, person_ids) -> dict[int, list[engine.Regimen]]:
    """The test regimens each stored status asked for (its test actions with a regimen and
    window, the marks' own actions left out): rows with an end date only, as every regimen
    gives its status one."""
    found = defaultdict(list)
    rows = (_in_batch(PersonStatus, school_ids, person_ids).filter(until__isnull=False)
            .values_list("person_id", "actions"))
    for person_id, actions in rows:
        found[person_id].extend(regimens_from_actions(actions or []))
    return found


def regimens_from_actions(actions: list[dict]) -> list[engine.Regimen]:
    """Rebuild each regimen from its stored test actions (apps.policy.engine.regimen.progress
    writes its window, count, gap and each test's due time on every one)."""
    dues: dict[tuple, list[date]] = defaultdict(list)
    for action in actions:
        detail = action.get("detail") or {}
        if action.get("kind") != "test" or "window_start" not in detail or "verdict" in detail:
            continue
        key = (detail["regimen"], detail["window_start"], detail["window_end"], detail["of"],
               detail.get("min_gap_hours") or 0)
        dues[key].append(timezone.localtime(datetime.fromisoformat(action["due"])).date())
    regimens = []
    for (name, start, end, tests, gap), due_days in dues.items():
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        regimens.append(engine.Regimen(
            name, first, tests, tuple((d - first).days - 1 for d in sorted(due_days)),
            (last - first).days + 1, gap))
    return regimens


def _marks(school_ids, person_ids) -> dict[int, list[engine.RegimenMark]]:
    found = defaultdict(list)
    rows = (_in_batch(RegimenMark, school_ids, person_ids).filter(cleared_at__isnull=True)
            .values_list("id", "person_id", "regimen", "window_start", "window_end", "tests",
                         "done", "due_offsets", "min_gap_hours"))
    for pk, person_id, name, start, end, tests, done, offsets, gap in rows:
        regimen = engine.Regimen(name, start, tests, tuple(offsets), (end - start).days + 1, gap)
        found[person_id].append(engine.RegimenMark(pk, regimen, done))
    return found


def _region_names(people, trips, exposures, risk_areas) -> dict[str, str]:
    """Full names of every region the batch's facts mention, for the reasons' text (`trips`:
    lists of legs, made and planned)."""
    codes = {code for row in people for code in (row[4], row[5]) if code}
    codes |= {code for legs in trips for leg in legs
              for code in (leg.from_region, leg.to_region)}
    codes |= {e.region for found in exposures.values() for e in found if e.region}
    codes |= {area.region for area in risk_areas}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "full_name"))


def _facts(row, window: Window, *, trips, exposures, checkins, tests, risk_areas,
           region_names, school_mode, regimens, marks, planned_trips=(), isolated_until=None,
           lives_on_campus=False):
    pk, school_id, kind, residence, home, school_region = row
    return engine.PersonFacts(
        person_id=pk,
        school_id=school_id,
        kind=kind,
        residence=residence,
        home_region=home,
        school_region=school_region,
        today=window.today,
        # The engine reads due times off `now` ("by the end of the day"): in Asia/Shanghai,
        # not UTC, or a test due by midnight would show as due at 08:00.
        now=timezone.localtime(window.now),
        trips=trips,
        exposures=exposures,
        tests=tests,
        checkins=checkins,
        risk_areas=risk_areas,
        school_mode=school_mode,
        lives_on_campus=lives_on_campus,
        region_names=region_names,
        # Pending and approved trip requests (apps.approvals), not yet begun.
        planned_trips=planned_trips,
        # The end of the latest isolation record (apps.isolation), open or recently closed.
        isolated_until=isolated_until,
        regimens=regimens,
        marks=marks,
    )
