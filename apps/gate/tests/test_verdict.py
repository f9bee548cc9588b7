"""The gate verdict rules, one row per rule, and invariants over every combination."""

import ast
import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.gate.verdict import (
    CATEGORIES,
    CLOSED_LOOP,
    EMERGENCY,
    NORMAL,
    ONLINE,
    PASS,
    REASONS,
    REFER,
    SEVERITY,
    STOP,
    GateFacts,
    combine,
    decide,
    refused,
)

HEALTHY_IN = GateFacts(direction="in", temperature=36.5)
HEALTHY_OUT = GateFacts(direction="out", temperature=36.5)

# (what, facts, verdict, reason codes)
CASES = [
    ("healthy in", HEALTHY_IN, PASS, ["ok"]),
    ("healthy out", HEALTHY_OUT, PASS, ["ok"]),
    ("out without a temperature", GateFacts(direction="out"), PASS, ["ok"]),
    ("in without a temperature", GateFacts(direction="in"), REFER, ["no_temperature"]),
    ("fever at the threshold", dataclasses.replace(HEALTHY_IN, temperature=37.3), STOP,
     ["fever"]),
    ("just under the threshold", dataclasses.replace(HEALTHY_IN, temperature=37.2), PASS, ["ok"]),
    ("a tightened threshold", dataclasses.replace(HEALTHY_IN, temperature=37.2,
                                                  fever_threshold=37.0), STOP, ["fever"]),
    ("fever leaving", dataclasses.replace(HEALTHY_OUT, temperature=38.5), REFER,
     ["fever_leaving"]),
    ("cleared", dataclasses.replace(HEALTHY_IN, category="cleared"), PASS, ["ok"]),
    ("key population", dataclasses.replace(HEALTHY_IN, category="key_population"), PASS,
     ["key_population"]),
    ("key population, emergency", dataclasses.replace(
        HEALTHY_IN, category="key_population", mode=EMERGENCY), REFER,
     ["key_population_emergency"]),
    ("home monitoring", dataclasses.replace(HEALTHY_IN, category="home_monitoring"), STOP,
     ["status_stay_away"]),
    ("home quarantine", dataclasses.replace(HEALTHY_IN, category="home_quarantine"), STOP,
     ["status_stay_away"]),
    ("central quarantine", dataclasses.replace(HEALTHY_IN, category="central_quarantine"), STOP,
     ["status_stay_away"]),
    ("isolation", dataclasses.replace(HEALTHY_IN, category="isolation"), STOP,
     ["status_stay_away"]),
    ("isolated and on campus, leaving", dataclasses.replace(HEALTHY_OUT, category="isolation"),
     REFER, ["status_on_campus"]),
    ("overdue test", dataclasses.replace(HEALTHY_IN, compliant=False), REFER,
     ["actions_overdue"]),
    ("status past its end", dataclasses.replace(HEALTHY_IN, status_current=False), REFER,
     ["status_outdated"]),
    ("abnormal check-in", dataclasses.replace(HEALTHY_IN, checkin_abnormal=True), STOP,
     ["checkin_abnormal"]),
    ("abnormal check-in, leaving", dataclasses.replace(HEALTHY_OUT, checkin_abnormal=True),
     REFER, ["checkin_abnormal_leaving"]),
    ("no check-in", dataclasses.replace(HEALTHY_IN, checkin_abnormal=None), REFER,
     ["no_checkin"]),
    ("no check-in, emergency", dataclasses.replace(HEALTHY_IN, checkin_abnormal=None,
                                                   mode=EMERGENCY), STOP,
     ["no_checkin_emergency"]),
    ("no check-in, leaving", dataclasses.replace(HEALTHY_OUT, checkin_abnormal=None), PASS,
     ["ok"]),
    ("closed loop, boarder leaving", dataclasses.replace(HEALTHY_OUT, mode=CLOSED_LOOP,
                                                         boarder=True), STOP,
     ["closed_loop_boarder"]),
    ("closed loop, boarder entering", dataclasses.replace(HEALTHY_IN, mode=CLOSED_LOOP,
                                                          boarder=True), PASS, ["ok"]),
    ("closed loop, day student leaving", dataclasses.replace(HEALTHY_OUT, mode=CLOSED_LOOP),
     PASS, ["ok"]),
    ("closed loop, boarding staff leaving", dataclasses.replace(
        HEALTHY_OUT, mode=CLOSED_LOOP, boarder=True, kind="staff"), STOP,
     ["closed_loop_boarder"]),
    ("class in online teaching", dataclasses.replace(HEALTHY_IN, online_teaching=True), REFER,
     ["online_teaching"]),
    ("school in online teaching", dataclasses.replace(HEALTHY_IN, mode=ONLINE), REFER,
     ["online_teaching"]),
    ("online teaching, leaving", dataclasses.replace(HEALTHY_OUT, mode=ONLINE), PASS, ["ok"]),
    ("fever and quarantine: both reasons, stop", dataclasses.replace(
        HEALTHY_IN, temperature=39.0, category="home_quarantine", checkin_abnormal=None), STOP,
     ["fever", "status_stay_away", "no_checkin"]),
    # Visitors: the same function; the declaration is their check-in.
    ("declared visitor", dataclasses.replace(HEALTHY_IN, kind="visitor"), PASS, ["ok"]),
    ("visitor without a declaration", dataclasses.replace(
        HEALTHY_IN, kind="visitor", checkin_abnormal=None), STOP, ["visitor_no_declaration"]),
    ("visitor with symptoms", dataclasses.replace(
        HEALTHY_IN, kind="visitor", checkin_abnormal=True), STOP, ["visitor_symptoms"]),
    ("visitor with a fever", dataclasses.replace(HEALTHY_IN, kind="visitor", temperature=38.0),
     STOP, ["fever"]),
    ("visitor from a risk area", dataclasses.replace(HEALTHY_IN, kind="visitor",
                                                     risk_travel=True), STOP,
     ["risk_area_travel"]),
    ("visitor, closed loop", dataclasses.replace(HEALTHY_IN, kind="visitor", mode=CLOSED_LOOP),
     STOP, ["closed_loop_visitor"]),
    ("visitor without a temperature", dataclasses.replace(
        HEALTHY_IN, kind="visitor", temperature=None), REFER, ["no_temperature"]),
    ("visitor leaving", dataclasses.replace(HEALTHY_OUT, kind="visitor", mode=CLOSED_LOOP,
                                            checkin_abnormal=None), PASS, ["ok"]),
    ("student from a risk area", dataclasses.replace(HEALTHY_IN, risk_travel=True), STOP,
     ["risk_area_travel"]),
]


@pytest.mark.parametrize(("what", "facts", "verdict", "codes"), CASES,
                         ids=[c[0] for c in CASES])
def test_it_decides_each_rule(what, facts, verdict, codes):
    result = decide(facts)
    assert result.verdict == verdict
    assert result.codes == codes


def test_it_applies_the_same_rules_to_staff():
    for _what, facts, _verdict, _codes in CASES:
        if facts.kind == "visitor":
            continue
        staff = dataclasses.replace(facts, kind="staff")
        assert decide(staff) == decide(facts)


@pytest.mark.parametrize(("code", "verdict"), [("unknown_person", STOP), ("inactive", STOP),
                                               ("code_invalid", STOP), ("code_expired", REFER),
                                               ("code_unverified", REFER)])
def test_it_refuses_without_a_person(code, verdict):
    assert refused(code).verdict == verdict
    assert refused(code).primary == code


def test_it_puts_the_deciding_reason_first_and_has_both_languages():
    result = combine(["key_population", "no_checkin", "fever"])
    assert result.verdict == STOP
    assert result.codes == ["fever", "no_checkin", "key_population"]
    for code, (verdict, zh, en) in REASONS.items():
        assert verdict in SEVERITY and zh and en, code


def test_it_imports_no_django():
    source = (Path(__file__).parents[1] / "verdict.py").read_text()
    imported = {n.names[0].name.split(".")[0] for n in ast.walk(ast.parse(source))
                if isinstance(n, ast.Import)}
    imported |= {n.module.split(".")[0] for n in ast.walk(ast.parse(source))
                 if isinstance(n, ast.ImportFrom) and n.module}
    assert "django" not in imported and "apps" not in imported


# ---- invariants ------------------------------------------------------------------------

# Each fact from least to most risky; a later value is never safer.
CATEGORY_RISK = ["normal", "cleared", "regimen_incomplete", "key_population",
                 "home_monitoring", "home_quarantine", "central_quarantine", "isolation"]
CHECKIN_RISK = [False, None, True]  # ok, none today, abnormal
MODES = [NORMAL, EMERGENCY, CLOSED_LOOP, ONLINE]

facts_strategy = st.builds(
    GateFacts,
    direction=st.sampled_from(["in", "out"]),
    category=st.sampled_from(CATEGORIES),
    status_current=st.booleans(),
    compliant=st.booleans(),
    temperature=st.one_of(st.none(), st.floats(min_value=34.0, max_value=43.0)),
    fever_threshold=st.floats(min_value=37.0, max_value=38.5),
    checkin_abnormal=st.sampled_from(CHECKIN_RISK),
    mode=st.sampled_from(MODES),
    online_teaching=st.booleans(),
    boarder=st.booleans(),
    kind=st.sampled_from(["student", "staff", "visitor"]),
    risk_travel=st.booleans(),
)


def _riskier(facts: GateFacts, data) -> GateFacts:
    """The same facts with one risk fact made worse."""
    choice = data.draw(st.sampled_from(
        ["temperature", "category", "compliant", "current", "checkin", "mode", "online",
         "travel"]))
    if choice == "temperature":
        # No reading is riskier than a normal one (referred) and safer than a fever (stopped).
        base = facts.temperature if facts.temperature is not None else facts.fever_threshold
        return dataclasses.replace(facts, temperature=data.draw(
            st.floats(min_value=base, max_value=max(base, 43.0))))
    if choice == "category":
        at = CATEGORY_RISK.index(facts.category)
        return dataclasses.replace(facts, category=data.draw(st.sampled_from(CATEGORY_RISK[at:])))
    if choice == "compliant":
        return dataclasses.replace(facts, compliant=False)
    if choice == "current":
        return dataclasses.replace(facts, status_current=False)
    if choice == "checkin":
        if facts.checkin_abnormal is None:
            return dataclasses.replace(facts, checkin_abnormal=True)
        at = CHECKIN_RISK.index(facts.checkin_abnormal)
        return dataclasses.replace(facts, checkin_abnormal=data.draw(
            st.sampled_from(CHECKIN_RISK[at:])))
    if choice == "travel":
        return dataclasses.replace(facts, risk_travel=True)
    if choice == "mode" and facts.mode == NORMAL:
        return dataclasses.replace(facts, mode=data.draw(st.sampled_from(MODES)))
    return dataclasses.replace(facts, online_teaching=True)


@settings(deadline=None)  # a loaded CI machine must not fail a pure function
@given(facts_strategy)
def test_it_never_passes_a_fever(facts):
    if facts.temperature is not None and facts.temperature >= facts.fever_threshold:
        assert decide(facts).verdict != PASS


@settings(deadline=None)  # a loaded CI machine must not fail a pure function
@given(facts_strategy)
def test_it_never_passes_someone_who_must_stay_away(facts):
    if facts.category in ("home_monitoring", "home_quarantine", "central_quarantine",
                          "isolation"):
        assert decide(facts).verdict != PASS


@settings(deadline=None)  # a loaded CI machine must not fail a pure function
@given(facts_strategy, st.data())
def test_it_never_relaxes_when_a_risk_fact_is_added(facts, data):
    before = decide(facts).verdict
    after = decide(_riskier(facts, data)).verdict
    assert SEVERITY[after] >= SEVERITY[before]


@settings(deadline=None)  # a loaded CI machine must not fail a pure function
@given(facts_strategy)
def test_it_gives_the_verdict_of_its_most_severe_reason(facts):
    result = decide(facts)
    assert result.reasons
    assert result.verdict == max((r.verdict for r in result.reasons), key=SEVERITY.get)
    assert result.reasons[0].verdict == result.verdict


@settings(deadline=None)  # a loaded CI machine must not fail a pure function
@given(facts_strategy)
def test_it_decides_staff_and_students_alike(facts):
    if facts.kind == "visitor":
        facts = dataclasses.replace(facts, kind="staff")
    assert decide(dataclasses.replace(facts, kind="staff")) == decide(
        dataclasses.replace(facts, kind="student"))


def test_it_refers_a_regimen_not_completed_as_an_overdue_test():
    """The mark comes with a test due since the regimen closed: not compliant."""
    found = decide(GateFacts(direction="in", category="regimen_incomplete", compliant=False,
                             temperature=36.5, checkin_abnormal=False))
    assert (found.verdict, found.codes) == ("refer", ["actions_overdue"])
