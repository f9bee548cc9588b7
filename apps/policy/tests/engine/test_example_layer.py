"""The example layer of docs/policy-layers.md (docs/examples/measles-season.yaml) is a valid
pack over today's routine pack, tightens what it says, acts where it says, and would be
refused if it loosened anything: the page for provinces shows a pack that works."""

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from apps.policy.checks import parameter_problems
from apps.policy.engine.clusters import Case, detect
from apps.policy.engine.packs import PACKS_DIR, PackError, load_pack, parse_pack
from apps.policy.readers import READERS

EXAMPLE = Path(__file__).resolve().parents[4] / "docs" / "examples" / "measles-season.yaml"
D0 = date(2026, 3, 2)


def _base(pack_id: str):
    return load_pack(PACKS_DIR / f"{pack_id}.yaml")


def _example(**changes):
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for name, value in changes.items():
        data["parameters"][name]["value"] = value
    return parse_pack(data, EXAMPLE, base=_base)


def measles(n: int, day: int) -> Case:
    return Case(id=f"a{n}", person_id=n, day=D0 + timedelta(days=day), klass=f"c{n}",
                symptoms=("fever", "rash"), diseases=("measles",), notifiable=True)


def test_it_is_a_layer_over_routine_that_keeps_routines_rules():
    pack = _example()
    assert pack.ids == ("measles-season", "routine")
    routine = _base("routine")
    assert {r.id for r in routine.rules} < {r.id for r in pack.rules}
    assert pack.parameters["measles_cases"].layer == "measles-season"
    assert pack.parameters["cluster_same_day_cases"].layer == "routine"
    assert pack.policy().params["sick_absence_cause_hours"] == 12


def test_every_parameter_acts_or_is_guidance():
    problems = parameter_problems([_example()], READERS)
    assert [p for p in problems if p.id != "policy.E002"] == []  # E002: other packs' readers
    assert _example().parameters["vaccination_record_check"].informational


def outbreaks(cases, pack) -> list[tuple[int, ...]]:
    """The measles thresholds reached (a notifiable case is also reported on its own, under
    any pack: infectious_case_report)."""
    return [c.person_ids for c in detect(cases, pack.policy().params)
            if c.disease == "measles" and c.rule == "disease_thresholds"]


def test_one_measles_case_is_an_outbreak_under_the_layer_and_not_under_routine():
    cases = [measles(1, 0)]
    assert outbreaks(cases, _base("routine")) == []
    assert outbreaks(cases, _example()) == [(1,)]


def test_its_window_reaches_two_incubation_periods():
    cases = [measles(1, 0), measles(2, 15)]  # 15 days apart: outside routine's 10
    assert outbreaks(cases, _base("routine")) == []
    assert (1, 2) in outbreaks(cases, _example())


@pytest.mark.parametrize(("name", "value"), [
    ("measles_cases", 3), ("measles_window_days", 7), ("sick_absence_cause_hours", 48)])
def test_it_would_be_refused_if_it_loosened_routine(name, value):
    with pytest.raises(PackError) as caught:
        _example(**{name: value})
    assert any(where.startswith(f"parameters.{name}")
               for where, _reason, _text in caught.value.problems)
