"""The rotation planner: table tests, and properties over random schools (hypothesis)."""

import math
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.testing.planner import (
    DAILY_SHARE,
    WHOLE_SCHOOL,
    Cycle,
    PlanError,
    active_days,
    cycle_of,
    plan_rotation,
)


def school(*class_sizes, loose=0):
    people = [(f"{k}-{i}", k) for k, size in enumerate(class_sizes) for i in range(size)]
    return people + [(f"x-{i}", None) for i in range(loose)]


def loads(plan):
    return Counter(plan.values())


@pytest.mark.parametrize("days, share, active", [
    (1, None, 1), (5, None, 5), (5, 20, 5), (7, 20, 5), (2, 50, 2), (5, 30, 3), (3, 100, 1),
])
def test_it_uses_as_many_days_as_the_share_allows(days, share, active):
    assert active_days(days, share) == active


@pytest.mark.parametrize("days, share, reason", [
    (0, None, "days_too_few"), (3, 20, "share_too_small"), (5, 0, "share_out_of_range"),
    (5, 101, "share_out_of_range"),
])
def test_it_refuses_a_rotation_that_cannot_cover_everyone(days, share, reason):
    with pytest.raises(PlanError) as caught:
        plan_rotation(school(10), days=days, daily_share=share)
    assert caught.value.reason == reason


def test_it_keeps_whole_classes_on_one_day_when_they_fit():
    plan = plan_rotation(school(40, 40, 30, 30, 20, 20, 10, 10), days=5, daily_share=20)
    by_class = defaultdict(set)
    for person, day in plan.items():
        by_class[person.split("-")[0]].add(day)
    assert all(len(days) == 1 for days in by_class.values())
    assert sorted(loads(plan).values()) == [40, 40, 40, 40, 40]


def test_it_splits_a_class_larger_than_a_day():
    plan = plan_rotation(school(60, 40), days=2, daily_share=None)
    assert loads(plan) == {0: 50, 1: 50}
    assert {plan[f"1-{i}"] for i in range(40)} == {1}  # the smaller class stays whole


def test_it_places_people_without_a_class_where_there_is_room():
    plan = plan_rotation(school(4, loose=4), days=2, daily_share=50)
    assert loads(plan) == {0: 4, 1: 4}


def test_it_plans_a_one_day_round_on_its_first_day():
    plan = plan_rotation(school(3, 2), days=1, daily_share=None)
    assert set(plan.values()) == {0} and len(plan) == 5


def test_it_plans_the_same_way_twice():
    people = school(7, 5, 3, loose=2)
    assert plan_rotation(people, days=3, daily_share=None) == plan_rotation(
        list(reversed(people)), days=3, daily_share=None)


rotations = st.tuples(
    st.lists(st.integers(1, 60), min_size=0, max_size=25),
    st.integers(0, 10),
    st.integers(1, 10),
    st.one_of(st.none(), st.integers(1, 100)),
).filter(lambda t: t[3] is None or t[3] * t[2] >= 100)


@settings(max_examples=200, deadline=None)
@given(rotations)
def test_it_covers_everyone_once_with_days_near_the_share(rotation):
    sizes, loose, days, share = rotation
    people = school(*sizes, loose=loose)
    plan = plan_rotation(people, days=days, daily_share=share)
    active = active_days(days, share)
    assert set(plan) == {p for p, _k in people}  # everyone, once
    assert all(0 <= day < active for day in plan.values())
    if people:
        capacity = math.ceil(len(people) / active)
        per_day = [loads(plan).get(d, 0) for d in range(active)]
        assert max(per_day) <= capacity
        assert min(per_day) >= capacity - (active - 1)  # each day about its share
        split = defaultdict(set)
        for person, day in plan.items():
            klass = person.split("-")[0]
            if klass != "x":
                split[klass].add(day)
        # Each split fills a day, so at most one split class per day.
        assert sum(1 for d in split.values() if len(d) > 1) <= active


# ---- the pack's testing cycle (whole school within N days, then P % a day) ----------------

@pytest.mark.parametrize("params, expected", [
    ({"whole_school_testing_days": 2, "daily_testing_percent": 20}, Cycle(2, 20)),
    ({"whole_school_testing_days": 3, "daily_testing_percent": 30}, Cycle(3, 30)),
    ({"whole_school_testing_days": 2}, None),  # a share is needed too
    ({"daily_testing_percent": 20}, None),
    ({}, None),  # routine
    ({"whole_school_testing_days": 0, "daily_testing_percent": 20}, None),
])
def test_it_reads_the_cycle_from_the_parameters(params, expected):
    assert cycle_of(params) == expected


@pytest.mark.parametrize("days, share, rotation, length", [
    (2, 20, 5, 7),  # Henan: two days, then five of 20 %: everyone every week
    (2, 30, 4, 6),  # 30 % a day reaches everyone on the fourth day
    (1, 100, 1, 2),
    (3, 1, 100, 103),
    (2, 33, 4, 6),
])
def test_it_sizes_the_cycle(days, share, rotation, length):
    cycle = Cycle(days, share)
    assert (cycle.rotation_days, cycle.length) == (rotation, length)


@pytest.mark.parametrize("share, headcount, count", [
    (20, 0, 0),  # nobody: no round
    (20, 1, 1),  # at least 20 % of one is one
    (20, 5, 1), (20, 10, 2),
    (20, 11, 3),  # "at least" rounds up: 2.2 -> 3
    (20, 1000, 200), (33, 100, 33), (33, 101, 34), (100, 7, 7), (1, 99, 1), (1, 101, 2),
])
def test_it_rounds_the_daily_share_of_the_headcount_up(share, headcount, count):
    assert Cycle(2, share).daily_count(headcount) == count


@pytest.mark.parametrize("share, days", [(0, 2), (101, 2), (20, 0)])
def test_it_refuses_a_cycle_out_of_range(share, days):
    with pytest.raises(PlanError):
        Cycle(days, share)


D = date(2026, 12, 7)


@pytest.mark.parametrize("today, last_whole, step", [
    (D, None, WHOLE_SCHOOL),  # never tested as a whole: start
    (D, (D, 2), None),  # the whole-school round's first day
    (D + timedelta(days=1), (D, 2), None),  # its last day
    (D + timedelta(days=2), (D, 2), DAILY_SHARE),  # then P % a day
    (D + timedelta(days=6), (D, 2), DAILY_SHARE),  # the cycle's last day
    (D + timedelta(days=7), (D, 2), WHOLE_SCHOOL),  # a new cycle
    (D + timedelta(days=30), (D, 2), WHOLE_SCHOOL),  # the layer was off a while
    (D + timedelta(days=1), (D, 1), DAILY_SHARE),  # a one-day round made by hand
    (D - timedelta(days=1), (D, 2), None),  # a round planned for tomorrow
])
def test_it_says_what_a_school_needs_today(today, last_whole, step):
    assert Cycle(2, 20).step(today, last_whole) == step
