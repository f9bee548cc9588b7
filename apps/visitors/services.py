"""Writes of visitors: a host pre-registers a visit (visit_register: the visitor-entry
approval request is made with it, apps.approvals), the visitor declares their health on the
phone link (visit_declare), the school's admin reveals the ID number (access-logged), and the
gate spends the one-time code (visit_gate_entered / visit_gate_left, called by apps.gate).

The phone link and the gate code are signed (django.core.signing, each its own salt): no
login, nothing to guess, and nothing stored to look them up by. The code is spent by a
conditional UPDATE, so two gates scanning it at once let one visitor in once."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from django.core import signing
from django.db import connection, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.access.audit import access_record
from apps.core.crypto import decrypt_text, encrypt_text, keyed_hash
from apps.core.db import prepared_cursor
from apps.core.errors import FieldError, ValidationFailed
from apps.core.identity import mask_document
from apps.people.models import Person, PersonKind
from apps.people.validation import check_document, check_phone, text_checked
from apps.visitors.models import Visit

HOST, VIEW, REVEAL = "visitors.host", "visitors.view", "visitors.reveal_id"
MAX_HOURS = 24 * 7  # a visit's window is at most a week
CODE_PREFIX = "SV1."
_CODE_SALT, _LINK_SALT = "visitors.code", "visitors.declare"
RISK_WINDOW_DAYS = 14  # "recently": the days a declaration asks about


def _fail(field: str, reason: str, message) -> None:
    raise ValidationFailed([FieldError(field, reason, str(message))])


# ---- the signed link and code ------------------------------------------------------------


def declare_token(visit: Visit) -> str:
    return signing.Signer(salt=_LINK_SALT).sign(f"{visit.school_id}-{visit.pk}")


def visit_for_token(token: str) -> Visit:
    try:
        school, pk = signing.Signer(salt=_LINK_SALT).unsign(token or "").split("-")
    except (signing.BadSignature, ValueError):
        raise Http404("visit") from None
    return get_object_or_404(
        Visit.objects.select_related("school", "approval"), school_id=int(school), pk=int(pk)
    )


def visitor_code(visit: Visit) -> str:
    """The code the gate scans (shown on the visitor's phone once approved and declared)."""
    return CODE_PREFIX + signing.Signer(salt=_CODE_SALT, sep=".").sign(
        f"{visit.school_id}-{visit.pk}"
    )


class InvalidVisitorCode(Exception):
    pass


def visitor_code_verify(code: str) -> tuple[int, int]:
    """(school id, visit id) of a genuine visitor code; InvalidVisitorCode otherwise."""
    try:
        value = signing.Signer(salt=_CODE_SALT, sep=".").unsign(code[len(CODE_PREFIX) :])
        school, pk = value.split("-")
        return int(school), int(pk)
    except (signing.BadSignature, ValueError):
        raise InvalidVisitorCode from None


# ---- pre-registration ------------------------------------------------------------------


def _host(actor) -> Person:
    person = (
        Person.objects.restrict(actor, HOST)
        .filter(user=actor, active=True, kind=PersonKind.STAFF)
        .select_related("school")
        .first()
    )
    if person is None:
        _fail("host", "not_staff", _("Only a staff member of a school hosts a visitor."))
    return person


def _window(starts_at, ends_at) -> tuple[datetime, datetime]:
    errors = [
        FieldError(f, "required", _("Give the date and time, like 2022-03-16 09:00."))
        for f, v in (("starts_at", starts_at), ("ends_at", ends_at))
        if not isinstance(v, datetime)
    ]
    if errors:
        raise ValidationFailed(errors)
    starts_at, ends_at = (
        v if timezone.is_aware(v) else timezone.make_aware(v) for v in (starts_at, ends_at)
    )
    if ends_at <= starts_at:
        _fail("ends_at", "before_start", _("The visit ends before it starts."))
    if ends_at < timezone.now():
        _fail("ends_at", "in_past", _("The visit is over already."))
    if ends_at - starts_at > timedelta(hours=MAX_HOURS):
        _fail("ends_at", "too_long", _("A visit lasts at most a week."))
    return starts_at, ends_at


def _checked(name, purpose, organisation, phone, doc_type, doc_number):
    """The visitor's fields checked: all the errors at once, each naming its field."""
    name = text_checked("name", name, 50, needed=True)
    purpose = text_checked("purpose", purpose, 200, needed=True)
    organisation = text_checked("organisation", organisation, 100, needed=False)
    phone, errors = check_phone("phone", phone)
    if not phone and not errors:
        errors = [FieldError("phone", "required", _("Give the visitor's phone number."))]
    document, doc_errors = check_document(doc_type, doc_number, today=timezone.localdate())
    if errors or doc_errors:
        raise ValidationFailed(errors + doc_errors)
    return name, purpose, organisation, phone, document


@transaction.atomic
def visit_register(
    *,
    actor,
    name: str,
    phone: str,
    doc_type: str = "resident_id",
    doc_number: str,
    purpose: str,
    starts_at: datetime,
    ends_at: datetime,
    organisation: str = "",
    client_id: str = "",
) -> Visit:
    """The actor (a staff member) pre-registers a visitor; the visitor-entry approval request
    goes with it. The same client_id again returns the visit it made."""
    from apps.approvals.models import Kind
    from apps.approvals.services import approval_request

    host = _host(actor)
    client_id = text_checked("client_id", client_id, 64, needed=False)
    if client_id:
        done = Visit.objects.filter(
            school_id=host.school_id, host=host, client_id=client_id
        ).first()
        if done is not None:
            return done
    name, purpose, organisation, phone, document = _checked(
        name, purpose, organisation, phone, doc_type, doc_number
    )
    starts_at, ends_at = _window(starts_at, ends_at)
    approval = approval_request(
        actor=actor,
        kind=Kind.VISITOR,
        title=purpose,
        starts_on=timezone.localdate(max(starts_at, timezone.now())),
        ends_on=timezone.localdate(ends_at),
        visitor_name=name,
        visitor_org=organisation,
        client_id=f"visit-{client_id}" if client_id else "",
    )
    visit = Visit(
        school_id=host.school_id,
        host=host,
        host_user=actor,
        approval=approval,
        name=name,
        phone=phone,
        organisation=organisation,
        purpose=purpose,
        starts_at=starts_at,
        ends_at=ends_at,
        client_id=client_id,
        doc_cipher=encrypt_text(document.number),
        doc_hash=keyed_hash(document.number),
        doc_masked=mask_document(document.number),
    )
    visit._history_user = actor
    visit.save()
    return visit


# ---- the visitor's declaration -----------------------------------------------------------


def _risk_choices(today) -> dict[str, str]:
    from apps.risk.selectors import risk_areas_in_force

    return {
        a.region_id: a.region.full_name or a.region.name
        for a in risk_areas_in_force(today).filter(level__in=("high", "medium"))
    }


def risk_choices(today=None) -> list[tuple[str, str]]:
    """The medium- and high-risk areas in force (apps.risk, the same designations the travel
    records and the status engine read): the visitor ticks those they were in lately."""
    return sorted(_risk_choices(today or timezone.localdate()).items())


def _temperature(value) -> Decimal:
    from apps.gate.services import parse_temperature

    measured = parse_temperature(value)
    if measured is None:
        _fail("temperature", "required", _("Take your temperature and type it, like 36.5."))
    return measured


@transaction.atomic
def visit_declare(*, token: str, temperature, symptoms: bool, risk_regions: list[str]) -> Visit:
    """The visitor's health declaration, on the signed link (no login). It may be made again
    until the visitor has entered (the last one counts); the host is told."""
    visit = visit_for_token(token)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.entered_at is not None:
        _fail("visit", "entered", _("You have entered already: the declaration is closed."))
    if visit.ends_at < timezone.now():
        _fail("visit", "over", _("This visit is over."))
    measured = _temperature(temperature)
    allowed = _risk_choices(timezone.localdate())
    unknown = [r for r in risk_regions or [] if r not in allowed]
    if unknown:
        _fail("risk_regions", "unknown", _("Tick only areas from the list."))
    visit.temperature, visit.symptoms = measured, bool(symptoms)
    visit.risk_regions = sorted(set(risk_regions or []))
    visit.declared_at = timezone.now()
    visit.save(update_fields=["temperature", "symptoms", "risk_regions", "declared_at"])
    _tell_host(
        visit,
        "visitors.declared",
        gettext_lazy("{name} made the health declaration"),
        severity="warning" if visit.symptoms or visit.risk_regions else "info",
    )
    return visit


def _tell_host(visit: Visit, kind: str, subject, *, severity: str = "info") -> None:
    from apps.notifications.services import notification_send

    if not visit.host_user_id:
        return
    notification_send(
        recipient_ids=[visit.host_user_id],
        kind=kind,
        subject=format_lazy(subject, name=visit.name),
        body=visit.purpose,
        link=f"/visitors/{visit.pk}/",
        school_id=visit.school_id,
        severity=severity,
        dedupe_key=f"visit-{visit.pk}-{kind}-{visit.declared_at or ''}",
    )


# ---- revealing the ID number -------------------------------------------------------------


@transaction.atomic
def visit_reveal_document(*, actor, visit_id: int, reason: str, ip: str | None = None) -> str:
    visit = get_object_or_404(Visit.objects.restrict(actor, REVEAL), pk=visit_id)
    reason = " ".join(str(reason or "").split())
    if not reason:
        _fail("reason", "required", _("Say why you need to see the full number."))
    number = decrypt_text(visit.doc_cipher)
    access_record(
        user=actor, action="reveal_document", obj=visit, fields="doc_number", reason=reason, ip=ip
    )
    return number


# ---- the gate ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitorGateFacts:
    visit_id: int
    school_id: int
    name: str
    mode: str
    approved: bool
    in_window: bool
    declared: bool
    symptoms: bool
    risk_travel: bool
    entered: bool
    left: bool


@lru_cache(maxsize=1)
def _facts_sql() -> str:
    """The one query, written out once (as apps.gate.facts does for people): the visit, its
    approval's state and the school's mode."""
    from apps.approvals.models import ApprovalRequest
    from apps.emergency.models import ModeState

    t = {
        m.__name__: connection.ops.quote_name(m._meta.db_table)
        for m in (Visit, ApprovalRequest, ModeState)
    }
    return f"""
SELECT v.id, v.name, a.state, v.starts_at, v.ends_at, v.declared_at, v.symptoms,
       v.risk_regions, v.entered_at, v.left_at,
       (SELECT m.mode FROM {t["ModeState"]} m WHERE m.school_id = v.school_id
         AND m.scope = 'school' AND m.scope_key = '' LIMIT 1)
FROM {t["Visit"]} v JOIN {t["ApprovalRequest"]} a ON a.id = v.approval_id
WHERE v.school_id = %s AND v.id = %s"""  # noqa: S608 (table names only)


def _aware(value):
    if isinstance(value, str):  # SQLite: naive UTC text
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def visit_gate_facts(*, school_id: int, visit_id: int, now: datetime) -> VisitorGateFacts | None:
    """What the gate needs about a visit: one prepared query."""
    from apps.approvals.models import State
    from apps.emergency.models import Mode

    with prepared_cursor() as cursor:
        cursor.execute(_facts_sql(), [school_id, visit_id])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, name, state, starts, ends, declared, symptoms, risks, entered, left, mode = row
    if isinstance(risks, str):
        risks = json.loads(risks)
    return VisitorGateFacts(
        visit_id=pk,
        school_id=school_id,
        name=name,
        mode=mode or Mode.NORMAL,
        approved=state == State.APPROVED,
        in_window=_aware(starts) <= now <= _aware(ends),
        declared=declared is not None,
        symptoms=bool(symptoms),
        risk_travel=bool(risks),
        entered=entered is not None,
        left=left is not None,
    )


def visit_gate_entered(*, school_id: int, visit_id: int, client_id: str, at: datetime) -> bool:
    """Spend the code: True for the one scan that did (a conditional UPDATE). The host is
    told by the sweep (visits_tell_arrivals), not in the scan."""
    return bool(
        Visit.objects.filter(school_id=school_id, pk=visit_id, entered_at__isnull=True).update(
            entered_at=at, entry_client_id=client_id
        )
    )


def visits_tell_arrivals(*, now: datetime | None = None) -> int:
    """Tell each host their visitor arrived, once: the conditional UPDATE claims the visits,
    so a second worker (or a rerun) finds nothing left."""
    now = now or timezone.now()
    told = 0
    pending = (
        Visit.objects.filter(entered_at__isnull=False, arrival_told_at__isnull=True)
        .order_by("entered_at")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in list(pending):
        with transaction.atomic():
            claimed = Visit.objects.filter(pk=pk, arrival_told_at__isnull=True).update(
                arrival_told_at=now
            )
            if claimed:
                _tell_host(
                    Visit.objects.get(pk=pk),
                    "visitors.arrived",
                    gettext_lazy("{name} arrived at the gate"),
                )
                told += 1
    return told


def visit_gate_left(*, school_id: int, visit_id: int, at: datetime) -> bool:
    return bool(
        Visit.objects.filter(
            school_id=school_id, pk=visit_id, entered_at__isnull=False, left_at__isnull=True
        ).update(left_at=at)
    )
