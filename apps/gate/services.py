"""Writes of the gate: a check with its verdict, a terminal's offline upload, an override,
gates and terminals.

A scan must be fast (a queue forms at 7:30): `gate_check_record` reads everything the
verdict needs in one query (apps.gate.facts) and records the check with one INSERT
(apps.gate.inserts); the user's schools come from grants computed once per user object,
the gate and the fever threshold from per-process caches.
"""

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.access.audit import access_record
from apps.access.rules import has_perm_anywhere, school_ids_granted
from apps.core.errors import FieldError, ValidationFailed
from apps.gate import verdict as rules
from apps.gate.facts import fever_threshold, person_facts
from apps.gate.inserts import insert_checks, scan_insert
from apps.gate.models import Direction, Gate, GateCheck, Terminal, VerdictChoice
from apps.people.codes import InvalidCode, personal_code_verify

VISITOR_PREFIX = "SV1."  # a visitor's one-time code (apps.visitors; decided in gate.visitors)
T_MIN, T_MAX = Decimal("34.0"), Decimal("43.0")
CLIENT_ID_MAX = 64
BATCH_MAX = 5000
OFFLINE_MAX_AGE = timedelta(days=7)  # older records are refused: the snapshot was too old
CLOCK_SKEW = timedelta(minutes=10)  # a terminal's clock may run this far ahead
# A retried online scan comes within this of its first try (the kiosk gives up sooner).
RETRY_WINDOW = timedelta(minutes=5)
# A check is overridden at the gate, at most this long after its day (an offline stop is
# uploaded up to OFFLINE_MAX_AGE late): the override reads only these days' partitions.
OVERRIDE_DAYS = OFFLINE_MAX_AGE.days
GATE_TTL = 60.0
DIRECTIONS = frozenset(Direction.values)
VERDICTS = frozenset(VerdictChoice.values)


@dataclass(frozen=True)
class CheckOutcome:
    check_id: int
    verdict: str
    reasons: tuple[rules.Reason, ...]
    person_id: int | None
    name: str
    klass: str
    direction: str
    temperature: Decimal | None
    at: datetime
    duplicate: bool = False
    policy_outdated: bool = False
    visitor: bool = False  # a visitor's code (no person: the visitor's name is `name`)


# ---- who may scan where ----------------------------------------------------------------

def schools_for(user, perm: str) -> frozenset[int]:
    """The schools where the user holds `perm` through a school-level grant (the gate roles
    are held on schools). Computed from the grants kept on the user object: no query."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    ids = set(school_ids_granted(user, perm))
    if not ids and has_perm_anywhere(user, perm):
        from apps.orgs.models import School  # a wider grant: ask the scope layer

        ids.update(School.objects.restrict(user, perm).values_list("pk", flat=True))
    return frozenset(ids)


def _school_of(user, school_id: int | None) -> int:
    schools = schools_for(user, "gate.verdict")
    if school_id is None:
        if len(schools) != 1:
            if not schools:
                raise Http404("school")
            raise ValidationFailed([FieldError("school_id", "required",
                                               _("Choose the school."))])
        return next(iter(schools))
    if school_id not in schools:
        raise Http404("school")
    return school_id


_gates: dict[tuple[str, int], tuple[object, float]] = {}


def _cached(kind: str, key: int, load):
    now = time.monotonic()
    hit = _gates.get((kind, key))
    if hit and hit[1] > now:
        return hit[0]
    value = load()
    _gates[(kind, key)] = (value, now + GATE_TTL)
    return value


def _gate_id(user, school_id: int, gate_id: int | None) -> int | None:
    """The gate of the check: the one given (it must be an active gate of the school), else
    the terminal's own gate, else none."""
    if gate_id is None:
        return _cached("terminal", user.pk, lambda: Terminal.objects.filter(
            user_id=user.pk, active=True).values_list("gate_id", flat=True).first())
    found = _cached("gate", gate_id, lambda: Gate.objects.filter(
        pk=gate_id, active=True).values_list("school_id", flat=True).first())
    if found != school_id:
        raise ValidationFailed([FieldError("gate", "unknown", _("No such gate at this school."))])
    return gate_id


def forget_gates() -> None:
    _gates.clear()


# ---- validation ------------------------------------------------------------------------

def parse_temperature(value, field_name: str = "temperature") -> Decimal | None:
    """34.0-43.0 °C with at most one decimal; None when not taken."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed([FieldError(field_name, "not_a_number", _(
            "The temperature is not a number."))]) from None
    if not number.is_finite() or not T_MIN <= number <= T_MAX:
        raise ValidationFailed([FieldError(field_name, "out_of_range", _(
            "The temperature must be between 34.0 and 43.0 °C (for 36.5 type 36.5)."))])
    if number != number.quantize(Decimal("0.1")):
        raise ValidationFailed([FieldError(field_name, "too_precise", _(
            "Give the temperature with one decimal, like 36.5."))])
    return number.quantize(Decimal("0.1"))


def _check_direction(direction: str) -> str:
    if direction not in Direction.values:
        raise ValidationFailed([FieldError("direction", "invalid", _(
            "The direction is in or out."))])
    return direction


def _check_client_id(client_id: str) -> str:
    client_id = (client_id or "").strip()
    if not client_id or len(client_id) > CLIENT_ID_MAX:
        raise ValidationFailed([FieldError("client_id", "invalid", _(
            "Send a client id of 1 to 64 characters, new for each scan."))])
    return client_id


# ---- one scan --------------------------------------------------------------------------

def _resolve(user, school_id: int | None, scanned: str, today, now):
    """(school id, facts or None, refusal code or None) for a scanned code or typed number.
    A valid code of a school the user may not scan at is a 404: no hint the person exists."""
    scanned = (scanned or "").strip()
    if not scanned:
        raise ValidationFailed([FieldError("code_or_number", "required", _(
            "Scan a code or type a student or staff number."))])
    if scanned.upper().startswith("SD1."):
        try:
            code_school, person_id = personal_code_verify(scanned, now=now)
        except InvalidCode as bad:
            school = _school_of(user, school_id)
            return school, None, "code_expired" if bad.reason == "expired" else "code_invalid"
        if school_id is not None and code_school != school_id:
            raise Http404("person")
        school = _school_of(user, code_school)
        found = person_facts(school_id=school, today=today, now=now, person_id=person_id)
    else:
        school = _school_of(user, school_id)
        found = person_facts(school_id=school, today=today, now=now, number=scanned[:32])
    if not found:
        return school, None, "unknown_person"
    return school, found[0], None if found[0].active else "inactive"


def gate_check_record(*, actor, school_id: int | None = None, code_or_number: str,
                      temperature, gate: int | None = None, direction: str, client_id: str,
                      at: datetime | None = None) -> CheckOutcome:
    """Decide and record one scan. The same client id again returns the check already
    recorded (a retried request never makes two)."""
    direction = _check_direction(direction)
    client_id = _check_client_id(client_id)
    measured = parse_temperature(temperature)
    now = timezone.now()
    at = at or now
    if (code_or_number or "").strip().upper().startswith(VISITOR_PREFIX):
        from apps.gate.visitors import visitor_check

        return visitor_check(actor, school_id, code_or_number.strip(), measured, gate,
                             direction, client_id, at, now)
    today = timezone.localdate(at)
    school, facts, refusal = _resolve(actor, school_id, code_or_number, today, now)
    if earlier := _retried_across_midnight(school, client_id, at):
        return earlier
    gate_id = _gate_id(actor, school, gate)
    threshold, outdated = fever_threshold(school)
    if refusal:
        decided = rules.refused(refusal)
    else:
        decided = rules.decide(rules.GateFacts(
            direction=direction, category=facts.category, status_current=facts.status_current,
            compliant=facts.compliant, temperature=None if measured is None else float(measured),
            fever_threshold=threshold, checkin_abnormal=facts.checkin_abnormal, mode=facts.mode,
            online_teaching=facts.online_teaching, boarder=facts.boarder, kind=facts.kind))
    row = {
        "school_id": school, "person_id": facts.person_id if facts else None,
        "gate_id": gate_id, "officer_id": actor.pk, "at": at, "day": today,
        "temperature": measured, "direction": direction, "verdict": decided.verdict,
        "reason": decided.primary,
        "reasons": decided.codes, "category": facts.category if facts else "",
        "client_id": client_id, "recorded_offline": False, "received_at": now,
    }
    check_id = scan_insert(row)
    if check_id is None:
        return _stored_outcome(school, client_id, today)
    return CheckOutcome(
        check_id=check_id, verdict=decided.verdict, reasons=decided.reasons,
        person_id=row["person_id"], name=facts.name if facts else "",
        klass=facts.klass_name if facts else "", direction=direction, temperature=measured,
        at=at, policy_outdated=outdated,
    )


def _retried_across_midnight(school_id: int, client_id: str, at: datetime
                             ) -> CheckOutcome | None:
    """The check stored yesterday under this client id, for a scan in the first minutes of
    a day. An online scan's day is the server's day of each try, and its client id is
    unique per day (the partition key): a retry just past midnight of a try stored just
    before it would be a second check. One more query, only in those minutes (docs/
    decisions.md)."""
    local = timezone.localtime(at)
    if local - local.replace(hour=0, minute=0, second=0, microsecond=0) >= RETRY_WINDOW:
        return None
    return _stored_outcome(school_id, client_id, local.date() - timedelta(days=1),
                           missing_ok=True)


def _stored_outcome(school_id: int, client_id: str, day, *, missing_ok: bool = False
                    ) -> CheckOutcome | None:
    check = (GateCheck.objects.filter(school_id=school_id, client_id=client_id, day=day)
             .select_related("person__klass").first())
    if check is None and missing_ok:
        return None
    person = check.person
    return CheckOutcome(
        check_id=check.pk, verdict=check.verdict,
        reasons=tuple(rules.reason(c) for c in check.reasons if c in rules.REASONS),
        person_id=check.person_id, name=person.name if person else "",
        klass=person.klass.name if person and person.klass else "",
        direction=check.direction, temperature=check.temperature, at=check.at, duplicate=True,
        visitor=check.category == rules.VISITOR,
    )


# ---- a terminal's offline upload -------------------------------------------------------

@dataclass
class BatchOutcome:
    created: int = 0
    duplicates: int = 0
    # One status per record, in the order sent: created | duplicate | error (a list of
    # words rather than of objects: a 5,000-record answer stays small).
    results: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


class _RecordError(Exception):
    def __init__(self, field_name: str, reason: str, message: str):
        super().__init__(message)
        self.field, self.reason, self.message = field_name, reason, message


def gate_checks_upload(*, actor, school_id: int | None = None, records: list,
                       gate: int | None = None) -> BatchOutcome:
    """Record checks a terminal decided offline with its last snapshot. Each record is
    checked on its own: the good ones are written (idempotent by client id), the bad ones
    are reported with their index, field and reason. Persons are resolved set-based."""
    school = _school_of(actor, school_id)
    if not isinstance(records, list) or not records:
        raise ValidationFailed([FieldError("records", "required", _("Send a list of records."))])
    if len(records) > BATCH_MAX:
        raise ValidationFailed([FieldError("records", "too_many", _(
            "Send at most %(max)d records at a time.") % {"max": BATCH_MAX})])
    gate_id = _gate_id(actor, school, gate)
    now = timezone.now()
    outcome = BatchOutcome(results=["error"] * len(records))
    parsed: list[tuple[int, dict]] = []
    seen: set[str] = set()
    for index, record in enumerate(records):
        try:
            row = _parse_record(record, school, now, seen)
        except _RecordError as bad:
            outcome.errors.append({"index": index, "field": bad.field, "reason": bad.reason,
                                   "message": str(bad.message)})
            continue
        row.update(gate_id=gate_id, officer_id=actor.pk, received_at=now, school_id=school)
        parsed.append((index, row))
    _resolve_people(school, parsed, outcome)
    failed = {e["index"] for e in outcome.errors}
    good = [(i, r) for i, r in parsed if i not in failed]
    with transaction.atomic():
        created = insert_checks([r for _i, r in good])
    for index, row in good:
        outcome.results[index] = "created" if row["client_id"] in created else "duplicate"
    outcome.created = len(created)
    outcome.duplicates = len(good) - len(created)
    outcome.errors.sort(key=lambda e: e["index"])
    return outcome


def _parse_record(record, school: int, now: datetime, seen: set[str]) -> dict:
    if not isinstance(record, dict):
        raise _RecordError("record", "invalid", _("A record is an object."))
    client_id = record.get("client_id")
    if not isinstance(client_id, str) or not 0 < len(client_id.strip()) <= CLIENT_ID_MAX:
        raise _RecordError("client_id", "invalid", _("A client id of 1 to 64 characters."))
    client_id = client_id.strip()
    if client_id in seen:
        raise _RecordError("client_id", "repeated", _("This client id is already in the batch."))
    seen.add(client_id)
    at = _parse_at(record.get("at"), now)
    try:
        temperature = parse_temperature(record.get("temperature"))
    except ValidationFailed as bad:
        error = bad.errors[0]
        raise _RecordError("temperature", error.reason, error.message) from None
    direction = record.get("direction")
    if direction not in DIRECTIONS:
        raise _RecordError("direction", "invalid", _("The direction is in or out."))
    verdict = record.get("verdict")
    if verdict not in VERDICTS:
        raise _RecordError("verdict", "invalid", _("The verdict is pass, refer or stop."))
    reasons = record.get("reasons") or []
    if not isinstance(reasons, list) or any(r not in rules.REASONS for r in reasons):
        raise _RecordError("reasons", "unknown", _("Unknown reason code."))
    return {"client_id": client_id, "at": at, "day": timezone.localdate(at),
            "temperature": temperature,
            "direction": direction, "verdict": verdict, "reasons": reasons,
            "reason": reasons[0] if reasons else "ok", "recorded_offline": True,
            "person_id": record.get("person_id"), "_code": record.get("code"),
            "_number": record.get("number"), "category": str(record.get("category") or "")[:20]}


def _parse_at(value, now: datetime) -> datetime:
    at = parse_datetime(value) if isinstance(value, str) else None
    if at is None:
        raise _RecordError("at", "invalid", _("The time of the scan, as ISO 8601."))
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SKEW:
        raise _RecordError("at", "future", _("The time of the scan is in the future."))
    if at < now - OFFLINE_MAX_AGE:
        raise _RecordError("at", "too_old", _("Scans older than 7 days are not accepted."))
    return at


def _resolve_people(school: int, parsed: list[tuple[int, dict]], outcome: BatchOutcome):
    """Person ids, codes and numbers of the records to persons of the school: two queries
    in all. A person id of another school is an error; an unknown number or a bad code is
    recorded without a person, as the terminal saw it."""
    from apps.people.models import Person

    for index, row in parsed:
        code, pid = row.pop("_code"), row["person_id"]
        if code and pid is None:
            try:
                code_school, pid = personal_code_verify(str(code), now=row["at"])
                if code_school != school:
                    _fail(outcome, index, "code", "other_school",
                          _("This code belongs to another school."))
                row["person_id"] = pid
            except InvalidCode:
                row["person_id"] = None
        elif pid is not None and (not isinstance(pid, int) or isinstance(pid, bool)):
            _fail(outcome, index, "person_id", "invalid", _("A person id is a number."))
            row["person_id"] = None
    wanted = {r["person_id"] for _i, r in parsed if isinstance(r["person_id"], int)}
    known = set(Person.objects.filter(school_id=school, pk__in=wanted).values_list("pk",
                                                                                  flat=True))
    numbers = {str(r["_number"])[:32] for _i, r in parsed if r["person_id"] is None
               and r.get("_number")}
    by_number = dict(Person.objects.filter(school_id=school, number__in=numbers)
                     .values_list("number", "pk")) if numbers else {}
    for index, row in parsed:
        number = row.pop("_number")
        if row["person_id"] is None and number:
            row["person_id"] = by_number.get(str(number)[:32])
        elif isinstance(row["person_id"], int) and row["person_id"] not in known:
            _fail(outcome, index, "person_id", "unknown", _("No such person at this school."))


def _fail(outcome: BatchOutcome, index: int, field_name: str, reason: str, message) -> None:
    if any(e["index"] == index for e in outcome.errors):
        return
    outcome.errors.append({"index": index, "field": field_name, "reason": reason,
                           "message": str(message)})


# ---- overrides -------------------------------------------------------------------------

def overridable_days(today: date | None = None) -> tuple[date, date]:
    """The first and last day of the checks that may still be overridden (the last is
    tomorrow: an offline terminal's clock may run ahead past midnight)."""
    today = today or timezone.localdate()
    return today - timedelta(days=OVERRIDE_DAYS), today + timedelta(days=1)


def gate_check_override(*, actor, check_id: int, reason: str) -> GateCheck:
    """Let through someone the gate stopped or referred, with a reason: recorded on the check
    and in the access log. Out of the actor's gate.override scope, or a check older than
    OVERRIDE_DAYS: 404."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed([FieldError("reason", "required", _(
            "Say why the stop is overridden."))])
    if len(reason) > GateCheck._meta.get_field("override_reason").max_length:
        raise ValidationFailed([FieldError("reason", "too_long", _("The reason is too long."))])
    with transaction.atomic():
        check = (GateCheck.objects.restrict(actor, "gate.override").select_for_update()
                 .filter(pk=check_id, day__range=overridable_days()).first())
        if check is None:
            raise Http404("check")
        if check.verdict == VerdictChoice.PASS:
            raise ValidationFailed([FieldError("check", "not_stopped", _(
                "Only a stop or a referral can be overridden."))])
        if check.overridden_at is not None:
            raise ValidationFailed([FieldError("check", "already_overridden", _(
                "This check has already been overridden."))])
        check.overridden_by, check.overridden_at = actor, timezone.now()
        check.override_reason = reason
        check.save(update_fields=["overridden_by", "overridden_at", "override_reason"])
        access_record(user=actor, action="gate_override", obj=check, fields="verdict",
                      reason=reason)
    return check


# ---- gates and terminals ---------------------------------------------------------------

def _school_for_admin(actor, school_id: int):
    from apps.orgs.models import School

    school = School.objects.restrict(actor, "access.manage_roles").filter(pk=school_id).first()
    if school is None:
        raise Http404("school")
    return school


def gate_create(*, actor, school_id: int, name: str) -> Gate:
    school = _school_for_admin(actor, school_id)
    name = (name or "").strip()
    if not name or len(name) > Gate._meta.get_field("name").max_length:
        raise ValidationFailed([FieldError("name", "required", _("Give the gate a name."))])
    with transaction.atomic():
        gate, _created = Gate.objects.get_or_create(school=school, name=name)
    return gate


def terminal_register(*, actor, school_id: int, gate_id: int, name: str,
                      days: int = 365) -> tuple[Terminal, str]:
    """A terminal for a gate: its own user (a gate officer of the school) and an API token
    limited to scanning. Returns the terminal and the token, shown once."""
    from apps.access.models import RoleAssignment, User
    from apps.access.roles import Role
    from apps.access.services import api_token_create

    school = _school_for_admin(actor, school_id)
    gate = Gate.objects.filter(school=school, pk=gate_id, active=True).first()
    if gate is None:
        raise ValidationFailed([FieldError("gate", "unknown", _("No such gate at this school."))])
    name = (name or "").strip()
    if not name or len(name) > Terminal._meta.get_field("name").max_length:
        raise ValidationFailed([FieldError("name", "required", _("Give the terminal a name."))])
    if Terminal.objects.filter(school=school, name=name).exists():
        raise ValidationFailed([FieldError("name", "taken", _("A terminal has this name."))])
    with transaction.atomic():
        user = User.objects.create_user(
            username=f"terminal-{school.pk}-{User.objects.count() + 1}-{int(time.time())}",
            display_name=name[:50])
        user.set_unusable_password()
        user.save(update_fields=["password"])
        RoleAssignment.objects.create(user=user, role=Role.GATE_OFFICER, school=school)
        terminal = Terminal.objects.create(school=school, gate=gate, name=name, user=user,
                                           created_by=actor)
        _token, raw = api_token_create(user=user, name=name,
                                       permissions=["gate.verdict", "status.gate"], days=days)
    return terminal, raw
