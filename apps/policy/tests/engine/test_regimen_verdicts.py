"""A regimen ends in a verdict: closed complete, closed incomplete (a lasting mark), the mark
cleared by a late test, cleared by a recorded decision. Facts in, status and verdicts out."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.policy.engine.evaluate import evaluate
from apps.policy.engine.facts import Exposure, Regimen, RegimenMark
from apps.policy.engine.facts import TestResult as LabResult

from .helpers import at, day, facts, policy

# Two tests in three days from 1 March: due by the end of 1 and 3 March; closes 4 March 00:00.
TWO = Regimen("two_in_three", day("3-01"), 2, (0, 2), 3, 24)


def neg(when: str, hour: float = 10) -> LabResult:
    return LabResult(at(when, hour), "negative")


ROWS = [
    # (id, facts, category, verdict outcome, cleared, reason substring, compliant)
    ("window still open", {"today": "3-03", "hour": 20, "regimens": (TWO,),
                           "tests": (neg("3-01"),)},
     "normal", None, None, None, True),
    ("closed complete", {"today": "3-04", "hour": 0, "regimens": (TWO,),
                         "tests": (neg("3-01"), neg("3-03"))},
     "normal", "complete", None, None, True),
    ("closed incomplete, one of two", {"today": "3-04", "regimens": (TWO,),
                                       "tests": (neg("3-01"),)},
     "regimen_incomplete", "incomplete", None,
     "检测未完成：三天两检（3月1日至3月3日）应检2次，已检1次", False),
    ("closed incomplete, none", {"today": "3-05", "regimens": (TWO,)},
     "regimen_incomplete", "incomplete", None,
     "Test regimen not completed: two tests in three days (1 March to 3 March), 0 of 2", False),
    ("closed incomplete, tests too close", {"today": "3-04", "regimens": (TWO,),
                                            "tests": (neg("3-01", 8), neg("3-01", 20))},
     "regimen_incomplete", "incomplete", None, "已检1次", False),
    ("a test after the close clears it at once", {"today": "3-04", "hour": 15,
                                                  "regimens": (TWO,),
                                                  "tests": (neg("3-01"), neg("3-04", 9))},
     "normal", "incomplete", at("3-04", 9), None, True),
    ("stored mark kept", {"today": "3-20", "marks": (RegimenMark(7, TWO, 1),)},
     "regimen_incomplete", "incomplete", None, "已检1次", False),
    ("stored mark cleared by a late test", {"today": "3-20",
                                            "marks": (RegimenMark(7, TWO, 1),),
                                            "tests": (neg("3-19"),)},
     "normal", "incomplete", at("3-19"), None, True),
    ("a test inside the window never clears a mark", {"today": "3-20",
                                                      "marks": (RegimenMark(7, TWO, 1),),
                                                      "tests": (neg("3-02"),)},
     "regimen_incomplete", "incomplete", None, "已检1次", False),
    ("stored mark cleared by decision", {"today": "3-20",
                                         "marks": (RegimenMark(7, TWO, 0, decided=True),)},
     "normal", None, None, None, True),
]


@pytest.mark.parametrize(("facts_", "category", "outcome", "cleared", "reason", "compliant"),
                         [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_it_gives_each_closed_regimen_its_verdict(facts_, category, outcome, cleared, reason,
                                                  compliant):
    fields = dict(facts_)
    today, hour = fields.pop("today"), fields.pop("hour", 10)
    status = evaluate(facts(today, hour, **fields), policy("routine"))
    assert status.category == category
    assert status.compliant is compliant
    assert [v.outcome for v in status.verdicts] == ([outcome] if outcome else [])
    if outcome:
        assert status.verdicts[0].cleared_at == cleared
    texts = [r.zh + r.en for r in status.reasons]
    if reason:
        assert any(reason in t for t in texts), texts
        assert status.until is None  # a mark has no end date: it lasts until cleared
    else:
        assert not any("regimen_not_completed" == r.rule for r in status.reasons)


def test_it_gives_a_mark_its_verdict_once_when_the_status_still_names_the_regimen():
    status = evaluate(facts("3-10", regimens=(TWO, TWO), marks=(RegimenMark(3, TWO, 0),)),
                      policy("routine"))
    assert [(v.mark_id, v.outcome) for v in status.verdicts] == [(3, "incomplete")]


def test_it_lets_a_quarantine_outrank_the_mark_and_keeps_its_reason():
    status = evaluate(facts("3-10", regimens=(TWO,),
                            exposures=(Exposure("close_contact", day("3-09")),)),
                      policy("henan-2022"))
    assert status.category == "home_quarantine"
    assert "regimen_not_completed" in {r.rule for r in status.reasons}


@given(done=st.integers(0, 2), late_hours=st.one_of(st.none(), st.integers(0, 400)))
def test_it_clears_an_incomplete_regimen_only_by_a_test_after_its_close(done, late_hours):
    tests = [neg("3-01", 8), neg("3-02", 12)][:done]
    if late_hours is not None:
        tests.append(LabResult(at("3-04", 0) + timedelta(hours=late_hours), "negative"))
    status = evaluate(facts("3-25", regimens=(TWO,), tests=tuple(tests)), policy("routine"))
    (found,) = status.verdicts
    marked = status.category == "regimen_incomplete"
    if done == 2:
        assert found.outcome == "complete" and not marked
    else:
        assert found.outcome == "incomplete"
        assert marked is (late_hours is None)
