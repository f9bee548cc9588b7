"""Gate API (/gate under /api/v1): a scan's verdict, the offline snapshot, a terminal's
batch upload and overrides.

Terminals authenticate with an API token limited to gate.verdict; the token lookup is
cached per process (apps.access.tokens). The kiosk page uses the signed-in session (CSRF).
"""

import json
from datetime import datetime

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from apps.access.tokens import BearerToken, SignedInSession
from apps.core.errors import FieldError, ValidationFailed
from apps.core.schema_types import INT64_MAX, Count, Cursor, Id
from apps.gate import gates, services
from apps.gate.selectors import snapshot
from apps.gate.verdict import REASONS
from apps.status.selectors import reason_text

router = Router(tags=["gate"])
GATE_AUTH = [BearerToken(), SignedInSession()]


class VerdictIn(Schema):
    code_or_number: str
    temperature: float | str | None = None
    direction: str = "in"
    client_id: str
    school_id: Id | None = None
    gate_id: Id | None = None


class GateReasonOut(Schema):
    code: str
    verdict: str
    zh: str
    en: str
    text: str


class GatePersonOut(Schema):
    id: int
    name: str
    klass: str


class GateVisitorOut(Schema):
    name: str


class VerdictOut(Schema):
    check_id: int
    verdict: str
    reason: str
    text: str
    reasons: list[GateReasonOut]
    person: GatePersonOut | None
    visitor: GateVisitorOut | None = None
    direction: str
    temperature: float | None
    at: datetime
    duplicate: bool
    policy_outdated: bool


def _reason_out(r) -> dict:
    return {"code": r.code, "verdict": r.verdict, "zh": r.zh, "en": r.en,
            "text": reason_text({"zh": r.zh, "en": r.en})}


def verdict_body(outcome: services.CheckOutcome) -> dict:
    reasons = [_reason_out(r) for r in outcome.reasons]
    return {
        "check_id": outcome.check_id, "verdict": outcome.verdict,
        "reason": reasons[0]["code"] if reasons else "ok",
        "text": reasons[0]["text"] if reasons else "",
        "reasons": reasons,
        "person": {"id": outcome.person_id, "name": outcome.name, "klass": outcome.klass}
        if outcome.person_id else None,
        "visitor": {"name": outcome.name} if outcome.visitor else None,
        "direction": outcome.direction,
        "temperature": None if outcome.temperature is None else float(outcome.temperature),
        "at": outcome.at.isoformat(), "duplicate": outcome.duplicate,
        "policy_outdated": outcome.policy_outdated,
    }


@router.post("/verdicts", response=VerdictOut, auth=GATE_AUTH)
def post_verdict(request, payload: VerdictIn):
    """One scan: decide, record, answer. The same client_id again returns the same check."""
    outcome = services.gate_check_record(
        actor=request.user, school_id=payload.school_id,
        code_or_number=payload.code_or_number, temperature=payload.temperature,
        gate=payload.gate_id, direction=payload.direction, client_id=payload.client_id)
    # Answered as built: VerdictOut documents it, and re-validating what this function just
    # made cost a busy gate more than it could ever catch.
    body = json.dumps(verdict_body(outcome), ensure_ascii=False, default=str)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get("/snapshot", auth=GATE_AUTH)
def get_snapshot(request, school_id: Id | None = None, after: Cursor = 0, limit: Count = 5000):
    """A page of the school's statuses for offline scanning (no names, no documents): ask
    again with `after=next_after` until it is null."""
    if school_id is None:
        schools = services.schools_for(request.user, "gate.verdict")
        if len(schools) != 1:
            raise Http404("school")
        school_id = next(iter(schools))
    page = snapshot(user=request.user, school_id=school_id, after=after, limit=limit)
    return {
        "school_id": page.school_id, "generated_at": page.generated_at,
        "code_day": page.code_day, "mode": page.mode, "fever_threshold": page.fever_threshold,
        "reasons": {code: list(texts) for code, texts in REASONS.items()},
        "items": page.items, "next_after": page.next_after,
    }


@router.post("/checks/batch", auth=GATE_AUTH)
def post_batch(request):
    """A terminal's offline records: `{"school_id"?, "gate_id"?, "records": [{client_id,
    person_id | code | number, at, temperature, direction, verdict, reasons}]}`. Good records
    are written (idempotent by client_id); `results` has one status per record in the order
    sent (created, duplicate or error) and `errors` names each bad one's index, field and
    reason. A terminal may forget every record whose status is not "error"."""
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed([FieldError("body", "not_json", _("Send JSON."))]) from None
    if not isinstance(body, dict):
        raise ValidationFailed([FieldError("body", "invalid", _("Send a JSON object."))])
    school_id, gate_id = body.get("school_id"), body.get("gate_id")
    for name, value in (("school_id", school_id), ("gate_id", gate_id)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or not 1 <= value <= INT64_MAX):
            raise ValidationFailed([FieldError(name, "invalid", _("An id is a number."))])
    outcome = services.gate_checks_upload(actor=request.user, school_id=school_id,
                                          records=body.get("records"), gate=gate_id)
    return {"received": len(body["records"]), "created": outcome.created,
            "duplicates": outcome.duplicates, "rejected": len(outcome.errors),
            "results": outcome.results, "errors": outcome.errors}


class GateOverrideIn(Schema):
    reason: str


@router.post("/checks/{check_id}/override")
def post_override(request, check_id: Id, payload: GateOverrideIn):
    check = services.gate_check_override(actor=request.user, check_id=check_id,
                                         reason=payload.reason)
    return {"check_id": check.pk, "overridden_at": check.overridden_at,
            "override_reason": check.override_reason}


class GateIn(Schema):
    school_id: Id
    name: str


class TerminalIn(Schema):
    school_id: Id
    gate_id: Id
    name: str
    days: Count = 365


@router.post("/gates", auth=SignedInSession())
def post_gate(request, payload: GateIn):
    """A gate of a school (school admins: access.manage_roles on the school)."""
    gate = services.gate_create(actor=request.user, school_id=payload.school_id,
                                name=payload.name)
    return {"id": gate.pk, "school_id": gate.school_id, "name": gate.name}


class GateUpdateIn(Schema):
    name: str
    active: bool = True


@router.put("/gates/{gate_id}", auth=SignedInSession())
def put_gate(request, gate_id: Id, payload: GateUpdateIn):
    """Rename a gate, or take it out of use (active false) and back; never deleted, since its
    checks point at it (school admins: access.manage_roles on the school)."""
    gate = gates.gate_update(actor=request.user, gate_id=gate_id, name=payload.name,
                             active=payload.active)
    return {"id": gate.pk, "school_id": gate.school_id, "name": gate.name,
            "active": gate.active}


@router.post("/terminals", auth=SignedInSession())
def post_terminal(request, payload: TerminalIn):
    """Register a scanner at a gate: returns its API token once (limited to scanning)."""
    terminal, raw = services.terminal_register(
        actor=request.user, school_id=payload.school_id, gate_id=payload.gate_id,
        name=payload.name, days=payload.days)
    return {"id": terminal.pk, "gate_id": terminal.gate_id, "name": terminal.name,
            "token": raw}
