"""Every parameter of a shipped pack acts somewhere, or its pack calls it guidance: the
readers list (apps/policy/readers.py) is checked at start-up, and each reader it names is
read here for the parameter's name."""

import ast
import importlib
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from django.core import checks

from apps.policy.checks import packs_and_readers, parameter_problems
from apps.policy.readers import READERS
from apps.policy.selectors import pack_get, packs_all


@cache
def literals(module: str) -> frozenset[str]:
    """The string constants of a module's source."""
    source = Path(importlib.import_module(module).__file__).read_text(encoding="utf-8")
    return frozenset(node.value for node in ast.walk(ast.parse(source))
                     if isinstance(node, ast.Constant) and isinstance(node.value, str))


def test_it_finds_no_problem_with_the_shipped_packs():
    assert parameter_problems(packs_all(), READERS) == []
    assert packs_and_readers in checks.registry.registry.get_checks()  # run at start-up
    assert packs_and_readers() == []


@pytest.mark.parametrize("name", sorted(READERS))
def test_it_names_readers_that_read_the_parameter(name):
    for module in READERS[name]:
        assert ".tests" not in module, f"{module} is a test, not a reader"
        assert name in literals(module), f"{module} never names {name}"


def test_it_refuses_an_unread_parameter_and_a_reader_of_nothing():
    readers = {k: v for k, v in READERS.items() if k != "noon_check"}
    readers["noon_chek"] = ("apps.health.rules",)
    found = {(m.id, m.msg) for m in parameter_problems([pack_get("henan-2022")], readers)}
    assert found == {("policy.E001", "routine: no code reads the parameter noon_check"),
                     ("policy.E002", "apps/policy/readers.py lists noon_chek, which no pack has")}


def test_it_refuses_guidance_that_code_reads():
    henan = pack_get("henan-2022")
    params = {**henan.parameters,
              "noon_check": replace(henan.parameters["noon_check"], informational=True)}
    problems = parameter_problems([replace(henan, parameters=params)], READERS)
    assert [m.id for m in problems] == ["policy.E003"]


def test_it_marks_the_directives_unwired_parameters_as_guidance():
    henan = pack_get("henan-2022").parameters
    guidance = {name for name, spec in henan.items() if spec.informational}
    # the meetings' flag and limit are followed by apps.approvals, the supplies' least by
    # apps.supplies
    assert guidance == {"cluster_shared_meal_or_water"}
