"""evaluate(facts, policy) -> Status: run the rules the policy enables and combine them.

Each rule (apps/policy/engine/rules/) says what it requires of the person now: a category,
until when, actions and reasons. The status is the most restrictive category any rule gives
(CATEGORIES order), lasts until the latest day any rule's restriction or action ends, and
carries every action and reason, in a fixed order so that the same facts always give the
same status. The person is compliant when every action due before now is done.

Regimens whose window has closed get their verdict here too (regimen.verdicts): an
incomplete one adds the lasting "regimen_incomplete" mark until it is cleared, and the
verdicts ride on the Status for the caller to store.
"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from . import rules as _rules  # noqa: F401  (importing registers the rules)
from .facts import CATEGORIES, Action, PersonFacts, Policy, Status
from .regimen import mark_candidates, verdicts
from .registry import RULES, Candidate, RuleSpec

RANK = {category: rank for rank, category in enumerate(CATEGORIES)}


def enabled_rules(policy: Policy) -> list[RuleSpec]:
    """The policy's person rules; when it names none, every rule whose parameters it has."""
    if policy.rules:
        return [RULES[r] for r in sorted(set(policy.rules)) if r in RULES]
    return [spec for _, spec in sorted(RULES.items())
            if all(name in policy.params for name in spec.params)]


def evaluate(facts: PersonFacts, policy: Policy) -> Status:
    candidates: list[Candidate] = []
    for spec in enabled_rules(policy):
        candidates.extend(spec.function(facts, policy.params))
    closed = verdicts(facts)
    candidates.extend(mark_candidates(facts, closed))
    return replace(combine(facts, candidates), verdicts=closed)


def combine(facts: PersonFacts, candidates: Iterable[Candidate]) -> Status:
    candidates = list(candidates)
    if not candidates:
        return Status("normal", None, (), (), True)
    category = max((c.category for c in candidates), key=RANK.__getitem__)
    actions = _unique_sorted([a for c in candidates for a in c.actions], _action_key)
    reasons = _unique_sorted(
        [(RANK[c.category], r) for c in candidates for r in c.reasons],
        lambda ranked: (-ranked[0], ranked[1].rule, ranked[1].zh, ranked[1].en),
    )
    ends: list[date] = [c.until for c in candidates if c.until is not None]
    ends += [a.until for a in actions if a.until is not None]
    compliant = all(a.done for a in actions if a.due is not None and a.due < facts.now)
    return Status(
        category=category,
        until=max(ends, default=None),
        actions=tuple(actions),
        reasons=tuple(r for _, r in reasons),
        compliant=compliant,
    )


def _action_key(action: Action):
    return (
        (0, action.due.timestamp()) if action.due is not None else (1, 0.0),
        action.kind,
        action.until or date.max,
        action.done,
        repr(sorted(action.detail.items())),
    )


def _unique_sorted(items: list, key) -> list:
    seen, result = set(), []
    for item in sorted(items, key=key):
        k = key(item)
        if k not in seen:
            seen.add(k)
            result.append(item)
    return result
