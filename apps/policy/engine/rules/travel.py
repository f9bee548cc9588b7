"""Rules about where a person (or a day student's co-resident) has been or will go."""

from dataclasses import dataclass
from datetime import date, timedelta

from ..facts import (
    Action,
    PersonFacts,
    Reason,
    RiskArea,
    TripLeg,
    region_within,
    same_city,
    same_province,
)
from ..regimen import Regimen, interval_offsets, progress, progress_text, spread_offsets
from ..registry import Candidate, Params, rule
from ..text import LEVELS_ZH, en_date, start_of_day, zh_date


def _home_province(facts: PersonFacts) -> str:
    return facts.school_region or facts.home_region


def _returns_from_other_province(facts: PersonFacts, traveller: str, days: int) -> TripLeg | None:
    """The latest leg into the school's province from another one, arrived within `days`."""
    home = _home_province(facts)
    legs = [
        leg for leg in facts.trips
        if leg.traveller == traveller
        and same_province(leg.to_region, home)
        and not same_province(leg.from_region, home)
        and leg.arrive <= facts.today <= leg.arrive + timedelta(days=days)
    ]
    return max(legs, key=_leg_order, default=None)


def _leg_order(leg: TripLeg):
    return (leg.arrive, leg.depart, leg.from_region, leg.to_region)


@rule(
    "returned_from_other_province",
    "key_population_monitoring_days",
    "key_population_tests",
    "key_population_test_interval_days",
    "key_population_test_min_gap_hours",
    "key_population_priority_sampling",
)
def returned_from_other_province(facts: PersonFacts, p: Params):
    days = p["key_population_monitoring_days"]
    leg = _returns_from_other_province(facts, "self", days)
    if leg is None:
        return ()
    until = leg.arrive + timedelta(days=days)
    tests = p["key_population_tests"]
    regimen = Regimen(
        "key_population", leg.arrive, tests,
        interval_offsets(tests, p["key_population_test_interval_days"], days), days + 1,
        p["key_population_test_min_gap_hours"],
    )
    done = progress(facts, regimen)
    tests_zh, tests_en = progress_text(done, tests)
    place = facts.region_name(leg.from_region)
    monitor = Action(
        kind="monitor", until=until,
        detail={"daily": True, "priority_sampling": bool(p["key_population_priority_sampling"])},
    )
    reason = Reason(
        "returned_from_other_province",
        f"重点人群：{zh_date(leg.arrive)}自{place}返回；{tests_zh}；健康监测至{zh_date(until)}",
        f"Key population: returned from {place} on {en_date(leg.arrive)}; {tests_en}; "
        f"health monitoring until {en_date(until)}",
    )
    return (Candidate("key_population", until, (*done.actions, monitor), (reason,)),)


@rule(
    "household_returned_from_other_province",
    "key_population_monitoring_days",
    "key_population_includes_household",
)
def household_returned_from_other_province(facts: PersonFacts, p: Params):
    if not p["key_population_includes_household"]:
        return ()
    if facts.kind != "student" or facts.residence != "day":
        return ()
    days = p["key_population_monitoring_days"]
    leg = _returns_from_other_province(facts, "household", days)
    if leg is None:
        return ()
    until = leg.arrive + timedelta(days=days)
    place = facts.region_name(leg.from_region)
    reason = Reason(
        "household_returned_from_other_province",
        f"重点人群：共同居住人员{zh_date(leg.arrive)}自{place}返回；健康监测至{zh_date(until)}",
        f"Key population: a co-resident returned from {place} on {en_date(leg.arrive)}; "
        f"health monitoring until {en_date(until)}",
    )
    monitor = Action(kind="monitor", until=until, detail={"daily": True, "household": True})
    return (Candidate("key_population", until, (monitor,), (reason,)),)


@rule("staff_back_from_other_city", "other_city_no_gathering_days")
def staff_back_from_other_city(facts: PersonFacts, p: Params):
    if facts.kind != "staff":
        return ()
    days = p["other_city_no_gathering_days"]
    local = [r for r in (facts.school_region, facts.home_region) if r]
    legs = [
        leg for leg in facts.trips
        if leg.traveller == "self"
        and any(same_city(leg.to_region, r) for r in local)
        and not same_city(leg.from_region, leg.to_region)
        and leg.arrive <= facts.today <= leg.arrive + timedelta(days=days)
    ]
    leg = max(legs, key=_leg_order, default=None)
    if leg is None:
        return ()
    until = leg.arrive + timedelta(days=days)
    place = facts.region_name(leg.from_region)
    reason = Reason(
        "staff_back_from_other_city",
        f"外地市返回：{zh_date(leg.arrive)}自{place}返回；{zh_date(until)}前不聚餐、不聚会，"
        "加强自身健康监测",
        f"Back from another city: returned from {place} on {en_date(leg.arrive)}; no dinners "
        f"or gatherings until {en_date(until)}; watch your own health",
    )
    actions = (
        Action(kind="no_gathering", until=until),
        Action(kind="monitor", until=until, detail={"self": True}),
    )
    return (Candidate("normal", until, actions, (reason,)),)


# ---- a stay in a risk area ---------------------------------------------------------------


@dataclass(frozen=True)
class Stay:
    region: str
    first: date
    last: date


def stays(facts: PersonFacts) -> list[Stay]:
    """Where the person was, from their own trip legs: each destination from arrival to the
    next departure (to today when the last leg ends away from home and school), and each
    origin on the day of departure."""
    legs = sorted((leg for leg in facts.trips if leg.traveller == "self"), key=_leg_order)
    local = [r for r in (facts.school_region, facts.home_region) if r]
    found = []
    for i, leg in enumerate(legs):
        found.append(Stay(leg.from_region, leg.depart, leg.depart))
        if i + 1 < len(legs):
            last = max(legs[i + 1].depart, leg.arrive)
        elif any(same_city(leg.to_region, r) for r in local):
            last = leg.arrive
        else:
            last = max(leg.arrive, facts.today)
        found.append(Stay(leg.to_region, leg.arrive, min(last, facts.today)))
    return found


def stay_level(stay: Stay, area: RiskArea) -> str | None:
    """The level a designation gives a stay, or None when it does not touch it. A trip names
    a region only, so a stay in a county that has a designated street or compound, or in a
    prefecture that has a designated county, counts as low risk (9th edition: other parts of
    the county of a risk area, two tests in three days)."""
    if stay.first > stay.last or area.start > stay.last:
        return None
    if area.end is not None and area.end < stay.first:
        return None
    if region_within(stay.region, area.region):
        return "low" if area.sub_area else area.level
    if region_within(area.region, stay.region):
        return "low"
    return None


class AreaIndex:
    """Designations by region code, by prefecture and by province prefix, so a stay looks at
    the few that can touch it, not at every designation in the country."""

    def __init__(self, areas: tuple[RiskArea, ...]):
        self.by_code: dict[str, list[RiskArea]] = {}
        self.by_city: dict[str, list[RiskArea]] = {}
        self.by_province: dict[str, list[RiskArea]] = {}
        for area in areas:
            self.by_code.setdefault(area.region, []).append(area)
            self.by_city.setdefault(area.region[:4], []).append(area)
            self.by_province.setdefault(area.region[:2], []).append(area)

    def touching(self, region: str) -> list[RiskArea]:
        if region.endswith("0000"):
            return self.by_province.get(region[:2], [])
        if region.endswith("00"):
            found = self.by_city.get(region[:4], [])
        else:
            found = self.by_code.get(region, []) + self.by_code.get(region[:4] + "00", [])
        return found + self.by_code.get(region[:2] + "0000", [])


# The facts of a batch share one tuple of designations: index it once, not once per person.
_last_index: tuple[tuple[RiskArea, ...], AreaIndex] | None = None


def area_index(areas: tuple[RiskArea, ...]) -> AreaIndex:
    global _last_index
    cached = _last_index
    if cached is not None and cached[0] is areas:
        return cached[1]
    index = AreaIndex(areas)
    _last_index = (areas, index)
    return index


def _risk_stays(facts: PersonFacts, lookback: int) -> dict[str, tuple[Stay, RiskArea]]:
    """For each level, the stay that ended last (and its designation)."""
    since = facts.today - timedelta(days=lookback)
    latest: dict[str, tuple[Stay, RiskArea]] = {}
    index = area_index(facts.risk_areas)
    for stay in stays(facts):
        if stay.last < since or not stay.region:
            continue
        for area in index.touching(stay.region):
            level = stay_level(stay, area)
            if level is None:
                continue
            held = latest.get(level)
            if held is None or _stay_key(stay, area) > _stay_key(*held):
                latest[level] = (stay, area)
    return latest


def _stay_key(stay: Stay, area: RiskArea):
    """The stay that ended last wins; of those, the longest (a full visit over the day of
    leaving), then a fixed order so trip order never matters."""
    return (stay.last, -stay.first.toordinal(), stay.region, area.region, area.start, area.level,
            area.sub_area, area.end or date.max)


def _stay_text(facts: PersonFacts, stay: Stay, area: RiskArea, level: str) -> tuple[str, str]:
    place = facts.region_name(stay.region)
    if stay.first == stay.last:
        when_zh, when_en = zh_date(stay.first), f"on {en_date(stay.first)}"
    else:
        when_zh = f"{zh_date(stay.first)}至{zh_date(stay.last)}"
        when_en = f"from {en_date(stay.first)} to {en_date(stay.last)}"
    zh, en = f"{when_zh}在{place}（{LEVELS_ZH[level]}）", f"in {place} {when_en} ({level} risk)"
    if level != area.level:
        zh += f"，所在地区有{LEVELS_ZH[area.level]}区，按低风险管理"
        en += f", a region with a {area.level}-risk area, managed as low risk"
    return zh, en


@rule(
    "risk_area_stay",
    "risk_stay_lookback_days",
    "high_risk_central_quarantine_days",
    "medium_risk_home_quarantine_days",
    "two_in_three_tests",
    "two_in_three_window_days",
    "two_in_three_min_gap_hours",
)
def risk_area_stay(facts: PersonFacts, p: Params):
    found = _risk_stays(facts, p["risk_stay_lookback_days"])
    result = []
    for level, (category, days_param, where) in QUARANTINE.items():
        if level in found:
            stay, area = found[level]
            until = stay.last + timedelta(days=p[days_param])
            if facts.today <= until:
                result.append(_quarantine(facts, stay, area, level, category, until, where))
    if "low" in found:
        candidate = _low_risk_tests(facts, p, *found["low"])
        if candidate is not None:
            result.append(candidate)
    return result


QUARANTINE = {
    "high": ("central_quarantine", "high_risk_central_quarantine_days", "central"),
    "medium": ("home_quarantine", "medium_risk_home_quarantine_days", "home"),
}
QUARANTINE_ZH = {"central": "集中隔离", "home": "居家隔离"}


def _quarantine(facts, stay, area, level, category, until, where) -> Candidate:
    zh, en = _stay_text(facts, stay, area, level)
    reason = Reason(
        "risk_area_stay",
        f"{LEVELS_ZH[level]}地区旅居：{zh}；{QUARANTINE_ZH[where]}至{zh_date(until)}",
        f"Stay in a {level}-risk area: {en}; {where} quarantine until {en_date(until)}",
    )
    action = Action(kind="quarantine", until=until, detail={"where": where})
    return Candidate(category, until, (action,), (reason,))


def two_in_three(start: date, p: Params) -> Regimen:
    tests, window = p["two_in_three_tests"], p["two_in_three_window_days"]
    return Regimen(
        "two_in_three", start, tests, spread_offsets(tests, window), window,
        p["two_in_three_min_gap_hours"],
    )


def _low_risk_tests(facts, p, stay: Stay, area: RiskArea) -> Candidate | None:
    regimen = two_in_three(stay.last, p)
    if facts.today > regimen.last_day:
        return None
    done = progress(facts, regimen)
    tests_zh, tests_en = progress_text(done, regimen.tests)
    zh, en = _stay_text(facts, stay, area, "low")
    reason = Reason(
        "risk_area_stay",
        f"低风险地区旅居：{zh}；三天两检：{tests_zh}",
        f"Stay in a low-risk area: {en}; two tests in three days: {tests_en}",
    )
    return Candidate("key_population", regimen.last_day, done.actions, (reason,))


# ---- planned travel ------------------------------------------------------------------------


@rule("cross_province_travel_approval", "cross_province_travel_needs_approval")
def cross_province_travel_approval(facts: PersonFacts, p: Params):
    if not p["cross_province_travel_needs_approval"]:
        return ()
    home = _home_province(facts)
    legs = sorted(
        (leg for leg in facts.planned_trips
         if leg.traveller == "self" and leg.depart >= facts.today
         and not same_province(leg.to_region, home)),
        key=_leg_order,
    )
    result = []
    for leg in legs:
        place = facts.region_name(leg.to_region)
        state_zh, state_en = ("已批准", "approved") if leg.approved else ("待审批", "awaiting")
        result.append(Candidate(
            "normal", None,
            (Action(kind="approval", due=start_of_day(leg.depart, facts.now.tzinfo),
                    done=leg.approved,
                    detail={"what": "cross_province_travel", "to": leg.to_region,
                            "depart": leg.depart.isoformat()}),),
            (Reason("cross_province_travel_approval",
                    f"跨省出行须报批：{zh_date(leg.depart)}前往{place}（{state_zh}）",
                    f"Cross-province travel needs approval: to {place} on "
                    f"{en_date(leg.depart)} ({state_en})"),),
        ))
    return result
