"""Rules register here by id; evaluate() runs the ones a policy enables and combines them."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .facts import Action, PersonFacts, Reason


@dataclass(frozen=True)
class Candidate:
    """What one rule says about a person: a category for now, until when, what to do, why."""

    category: str
    until: date | None
    actions: tuple[Action, ...] = ()
    reasons: tuple[Reason, ...] = ()


Params = Mapping[str, Any]
RuleFunction = Callable[[PersonFacts, Params], Iterable[Candidate]]


@dataclass(frozen=True)
class RuleSpec:
    id: str
    params: tuple[str, ...]  # the parameters the rule reads; a pack enabling it must have them
    function: RuleFunction


RULES: dict[str, RuleSpec] = {}


def rule(rule_id: str, *params: str) -> Callable[[RuleFunction], RuleFunction]:
    def register(function: RuleFunction) -> RuleFunction:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        RULES[rule_id] = RuleSpec(rule_id, params, function)
        return function

    return register
