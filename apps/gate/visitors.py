"""A visitor's one-time code at the gate (apps.visitors): the visit's facts in one query,
the same verdict function as for people (gate.verdict, kind "visitor"), and the code spent
by the scan that lets them in, in the same commit as the check."""

from functools import partial

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from apps.gate import verdict as rules
from apps.gate.facts import fever_threshold
from apps.gate.inserts import scan_insert
from apps.gate.models import Direction
from apps.gate.services import (
    CheckOutcome,
    _gate_id,
    _retried_across_midnight,
    _school_of,
    _stored_outcome,
)


def _visit_codes(visit, direction: str) -> tuple[str, ...]:
    """The reasons a visit itself gives, before the health rules."""
    codes = []
    if not visit.approved:
        codes.append("visitor_not_approved")
    if not visit.in_window and direction == Direction.IN:
        codes.append("visitor_outside_window")
    if direction == Direction.IN and visit.entered:
        codes.append("visitor_code_used")
    if direction == Direction.OUT and (visit.left or not visit.entered):
        codes.append("visitor_code_used" if visit.left else "visitor_not_entered")
    return tuple(codes)


def visitor_check(actor, school_id, code, measured, gate, direction, client_id, at, now):
    """A visitor's one-time code: the visit's facts (apps.visitors, one query), the same
    verdict function as for people, and the code spent by the scan that lets them in."""
    from apps.visitors.services import (
        InvalidVisitorCode,
        visit_gate_entered,
        visit_gate_facts,
        visit_gate_left,
        visitor_code_verify,
    )

    try:
        code_school, visit_id = visitor_code_verify(code)
    except InvalidVisitorCode:
        school, visit = _school_of(actor, school_id), None
    else:
        if school_id is not None and code_school != school_id:
            raise Http404("visit")
        school = _school_of(actor, code_school)
        visit = visit_gate_facts(school_id=school, visit_id=visit_id, now=at)
    if earlier := _retried_across_midnight(school, client_id, at):
        return earlier  # the code was spent by the try before midnight
    gate_id = _gate_id(actor, school, gate)
    threshold, outdated = fever_threshold(school)
    if visit is None:
        decided = rules.refused("code_invalid")
    else:
        decided = rules.decide(rules.GateFacts(
            direction=direction, temperature=None if measured is None else float(measured),
            fever_threshold=threshold, mode=visit.mode, kind=rules.VISITOR,
            checkin_abnormal=visit.symptoms if visit.declared else None,
            risk_travel=visit.risk_travel), also=_visit_codes(visit, direction))
    spend = None
    if visit is not None and decided.verdict != rules.STOP:
        spend = partial(visit_gate_entered, client_id=client_id) \
            if direction == Direction.IN else visit_gate_left
    with transaction.atomic():  # the code spent and the check recorded: one commit
        if spend is not None and not spend(school_id=school, visit_id=visit.visit_id, at=at):
            decided = rules.refused("visitor_code_used")  # another gate was quicker
        row = {
            "school_id": school, "person_id": None, "gate_id": gate_id,
            "officer_id": actor.pk, "at": at, "day": timezone.localdate(at),
            "temperature": measured,
            "direction": direction, "verdict": decided.verdict, "reason": decided.primary,
            "reasons": decided.codes, "category": rules.VISITOR if visit else "",
            "client_id": client_id, "recorded_offline": False, "received_at": now,
        }
        check_id = scan_insert(row)
    if check_id is None:
        return _stored_outcome(school, client_id, row["day"])
    return CheckOutcome(
        check_id=check_id, verdict=decided.verdict, reasons=decided.reasons, person_id=None,
        name=visit.name if visit else "", klass="", direction=direction, temperature=measured,
        at=at, policy_outdated=outdated, visitor=visit is not None)
