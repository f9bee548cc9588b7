"""Edges of days and windows: day 7 against day 8, exactly 24 hours apart, window bounds."""

from datetime import timedelta

import pytest

from apps.policy.engine.evaluate import evaluate
from apps.policy.engine.facts import CheckIn, Exposure
from apps.policy.engine.facts import TestResult as LabResult

from .helpers import LUOYANG, SHANGHAI, ZHENGZHOU, at, day, facts, policy
from .test_rules import BACK, LUOYANG_TRIP, area, leg, neg


@pytest.mark.parametrize(("today", "category"), [
    ("3-16", "key_population"),  # the day of return is day 0
    ("3-23", "key_population"),  # day 7: still monitored
    ("3-24", "normal"),  # day 8: done
])
def test_it_monitors_a_return_through_day_7(today, category):
    assert evaluate(facts(today, trips=(BACK,)), policy()).category == category


@pytest.mark.parametrize(("today", "category"), [
    ("3-21", "central_quarantine"), ("3-22", "normal"),
])
def test_it_quarantines_through_day_7_after_leaving(today, category):
    given = facts(today, trips=LUOYANG_TRIP, risk_areas=(area("high"),))
    assert evaluate(given, policy()).category == category


@pytest.mark.parametrize(("left", "counts"), [("3-12", True), ("3-11", False)])
def test_it_counts_a_stay_in_the_last_7_days_only(left, counts):
    trips = (leg(ZHENGZHOU, LUOYANG, "3-10"), leg(LUOYANG, ZHENGZHOU, left))
    status = evaluate(facts("3-19", trips=trips, risk_areas=(area("low"),)), policy(
        two_in_three_window_days=30))
    assert (status.category == "key_population") is counts


def two_in_three(*tests: LabResult, hour: float = 23):
    exposure = Exposure("risk_area_person", day("3-16"))
    return evaluate(facts("3-18", hour, exposures=(exposure,), tests=tests), policy())


def test_it_counts_two_tests_exactly_24_hours_apart():
    status = two_in_three(neg("3-16", 9), neg("3-17", 9))
    assert status.compliant and "2次检测已全部完成" in status.reasons[0].zh


def test_it_does_not_count_tests_a_minute_short_of_24_hours():
    first = at("3-16", 9)
    status = two_in_three(
        LabResult(first, "negative"), LabResult(first + timedelta(hours=24, minutes=-1), "negative")
    )
    assert not [a for a in status.actions if a.kind == "test"][1].done


def test_it_counts_a_test_at_the_first_moment_of_the_window_only():
    at_start = two_in_three(neg("3-16", 0), neg("3-17", 12))
    assert all(a.done for a in at_start.actions)
    before = two_in_three(LabResult(at("3-16", 0) - timedelta(seconds=1), "negative"),
                          neg("3-17", 12))
    assert [a.done for a in before.actions] == [True, False]


def test_it_does_not_count_a_test_after_the_window():
    late = evaluate(facts("3-18", 23, exposures=(Exposure("risk_area_person", day("3-16")),),
                          tests=(neg("3-16", 9), neg("3-19", 0))), policy())
    assert [a.done for a in late.actions] == [True, False]


def test_it_makes_a_test_overdue_only_after_the_end_of_its_day():
    exposure = (Exposure("risk_area_person", day("3-16")),)
    assert evaluate(facts("3-16", 23.99, exposures=exposure), policy()).compliant
    assert evaluate(facts("3-17", 0, exposures=exposure), policy()).compliant  # due == now
    assert not evaluate(facts("3-17", 0.02, exposures=exposure), policy()).compliant


@pytest.mark.parametrize(("today", "category"), [("3-20", "home_monitoring"), ("3-21", "normal")])
def test_it_lets_a_pupil_back_after_48_hours_without_fever(today, category):
    given = facts(today, checkins=(CheckIn(day("3-18"), "evening", 38.0),))
    assert evaluate(given, policy("routine")).category == category


def test_it_ignores_a_return_from_another_province_to_another_province():
    assert evaluate(facts(trips=(leg(SHANGHAI, "110105", "3-16"),)), policy()).category == "normal"
