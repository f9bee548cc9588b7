"""Invariants over random facts: a status never ends before its period; a further negative
test never makes a compliant person non-compliant; tightening never loosens; the same facts
(in any order) always give the same status."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.policy.engine.evaluate import RANK, enabled_rules, evaluate
from apps.policy.engine.facts import CheckIn, Exposure, PersonFacts, RiskArea, TripLeg
from apps.policy.engine.facts import TestResult as LabResult

from .helpers import TZ, pack, policy

REGIONS = ["410105", "410102", "410302", "419001", "310115", "310101", "110105", "320102"]
AREA_REGIONS = [*REGIONS, "310000", "410300", "110000"]
TODAY = date(2022, 3, 20)
CHECKS = settings(max_examples=150, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])

days_ago = st.integers(min_value=-2, max_value=20).map(lambda n: TODAY - timedelta(days=n))
moments = st.builds(
    lambda d, minutes: datetime.combine(d, time.min, tzinfo=TZ) + timedelta(minutes=minutes),
    days_ago, st.integers(min_value=0, max_value=24 * 60 - 1),
)


ANYONE = st.sampled_from(["self", "self", "household"])


@st.composite
def legs(draw, traveller=ANYONE):
    depart = draw(days_ago)
    return TripLeg(
        draw(st.sampled_from(REGIONS)), draw(st.sampled_from(REGIONS)), depart,
        depart + timedelta(days=draw(st.integers(0, 1))), traveller=draw(traveller),
        approved=draw(st.booleans()),
    )


tests = st.builds(LabResult, moments,
                  st.sampled_from(["negative", "negative", "negative", "positive", "pending"]),
                  st.sampled_from(["pcr", "antigen"]), st.booleans())
areas = st.builds(
    lambda region, level, start, lasts, sub: RiskArea(
        region, level, start, None if lasts is None else start + timedelta(days=lasts), sub),
    st.sampled_from(AREA_REGIONS), st.sampled_from(["high", "medium", "low"]), days_ago,
    st.one_of(st.none(), st.integers(0, 10)), st.sampled_from(["", "", "某小区"]),
)
person_facts = st.builds(
    lambda kind, residence, trips, exposures, results, checkins, risk, mode, isolated, planned,
    hour: PersonFacts(
        person_id=1, school_id=1, kind=kind, residence=residence, home_region="410105",
        school_region="410105", today=TODAY,
        now=datetime.combine(TODAY, time.min, tzinfo=TZ) + timedelta(hours=hour),
        trips=tuple(trips), exposures=tuple(exposures), tests=tuple(results),
        checkins=tuple(checkins), risk_areas=tuple(risk), school_mode=mode,
        isolated_until=isolated, planned_trips=tuple(planned),
    ),
    st.sampled_from(["student", "staff"]), st.sampled_from(["boarder", "day"]),
    st.lists(legs(), max_size=5),
    st.lists(st.builds(Exposure, st.sampled_from(["case", "close_contact", "risk_area_person"]),
                       days_ago), max_size=2),
    st.lists(tests, max_size=5),
    st.lists(st.builds(CheckIn, days_ago, st.sampled_from(["morning", "noon"]),
                       st.one_of(st.none(), st.floats(36.0, 39.5)),
                       st.lists(st.sampled_from(["cough", "rash", "sore_throat"]), max_size=2)
                       .map(tuple)), max_size=3),
    st.lists(areas, max_size=4),
    st.sampled_from(["normal", "closed_loop"]),
    st.one_of(st.none(), days_ago),
    st.lists(legs(st.just("self")), max_size=2),
    st.floats(0, 23.99),
)
pack_ids = st.sampled_from(["henan-2022", "routine"])


def end(status) -> date:
    """When a status ends, for comparing two: open-ended is the latest, none the earliest."""
    if status.until is not None:
        return status.until
    return date.max if RANK[status.category] > RANK["cleared"] else date.min


@CHECKS
@given(person_facts, pack_ids)
def test_it_never_ends_a_status_before_any_rule_s_period(facts, pack_id):
    status = evaluate(facts, policy(pack_id))
    for spec in enabled_rules(policy(pack_id)):
        for candidate in spec.function(facts, policy(pack_id).params):
            assert RANK[status.category] >= RANK[candidate.category]
            if candidate.until is not None:
                assert status.until >= candidate.until >= facts.today
            for action in candidate.actions:
                assert action in status.actions
                if action.until is not None:
                    assert status.until >= action.until


@CHECKS
@given(person_facts)
def test_it_keeps_a_returned_person_in_the_key_population_for_the_whole_period(facts):
    status = evaluate(facts, policy())
    for leg in facts.trips:
        back = leg.traveller == "self" and leg.to_region[:2] == "41" and leg.from_region[:2] != "41"
        if back and leg.arrive <= facts.today <= leg.arrive + timedelta(days=7):
            assert RANK[status.category] >= RANK["key_population"]
            assert status.until >= leg.arrive + timedelta(days=7)


@CHECKS
@given(person_facts, pack_ids, moments)
def test_it_never_makes_a_compliant_person_non_compliant_for_a_negative_test(
    facts, pack_id, taken_at
):
    if not evaluate(facts, policy(pack_id)).compliant:
        return
    more = replace(facts, tests=(*facts.tests, LabResult(taken_at, "negative")))
    assert evaluate(more, policy(pack_id)).compliant


@st.composite
def tightened(draw, pack_id):
    """The pack's parameters, some moved in their stricter direction."""
    params = dict(pack(pack_id).values())
    for name in draw(st.lists(st.sampled_from(sorted(params)), max_size=6, unique=True)):
        spec = pack(pack_id).parameters[name]
        if spec.is_flag:
            params[name] = spec.tighten == "higher"
        elif spec.tighten == "higher":
            params[name] = spec.value + draw(st.integers(0, 10))
        else:
            params[name] = max(spec.value - draw(st.integers(0, 10)), 0)
    return params


@CHECKS
@given(person_facts, st.data())
def test_it_never_loosens_anyone_when_a_parameter_tightens(facts, data):
    pack_id = data.draw(pack_ids)
    base = policy(pack_id)
    strict = replace(base, params=data.draw(tightened(pack_id)))
    before, after = evaluate(facts, base), evaluate(facts, strict)
    assert RANK[after.category] >= RANK[before.category]
    assert end(after) >= end(before)


@CHECKS
@given(person_facts, pack_ids, st.randoms(use_true_random=False))
def test_it_gives_the_same_status_for_the_same_facts_in_any_order(facts, pack_id, random):
    status = evaluate(facts, policy(pack_id))
    assert evaluate(facts, policy(pack_id)) == status

    def shuffled(items):
        items = list(items)
        random.shuffle(items)
        return tuple(items)

    reordered = replace(
        facts, trips=shuffled(facts.trips), exposures=shuffled(facts.exposures),
        tests=shuffled(facts.tests), checkins=shuffled(facts.checkins),
        risk_areas=shuffled(facts.risk_areas), planned_trips=shuffled(facts.planned_trips),
    )
    assert evaluate(reordered, policy(pack_id)) == status
