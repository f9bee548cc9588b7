"""Writes of guardians' binding: issuing codes, signing up or binding with one, the class
teacher's decision, a school's choice to link at once, and a guardian's changes to their
child's household (told to the class teacher).

Each write is one transaction, except that a failed code entry is counted outside it (the
lockout must remember the failure although the attempt raises)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.access import lockout
from apps.access.models import User
from apps.core.errors import FieldError, ValidationFailed
from apps.core.identity import DocumentError, age_on, normalize_phone
from apps.families.models import (
    BindingCode,
    BindingFailure,
    BindingRequest,
    BindingState,
    FamilySettings,
)
from apps.orgs.models import School, SchoolClass, Unit
from apps.people import services as people_services
from apps.people.models import Guardianship, HouseholdMember, Person, PersonKind
from apps.people.services import CONSENT_AGE
from apps.people.validation import check_phone, check_text, required

ISSUE, CONFIRM, SETTINGS = "families.issue", "families.confirm", "families.settings"
# 31 letters and digits a reader cannot confuse (no 0/O, 1/I/L): 12 of them are 59 bits, so
# even unthrottled guessing of every code a province holds would take forever; the lockout
# (BindingFailure) allows a handful of tries per address and phone in a window.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


@dataclass(frozen=True)
class IssuedCode:
    person: Person
    code: str  # the plaintext, formatted for print: shown once, never stored
    expires_at: datetime


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in str(raw or "").upper() if ch.isalnum())[:40]


def code_hash(raw: str) -> str:
    return hashlib.sha256(normalize_code(raw).encode()).hexdigest()


def _new_code() -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))
    return "-".join(code[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def _fail(field: str, reason: str, message) -> None:
    raise ValidationFailed([FieldError(field, reason, str(message))])


# Issuing ---------------------------------------------------------------------------------


def _students_to_issue(actor, klass_id: int | None, unit_id: int | None):
    if klass_id is None and unit_id is None:
        _fail("klass_id", "required", _("Choose a class or a unit."))
    if klass_id is not None and unit_id is not None:
        _fail("unit_id", "one_of", _("Choose a class or a unit, not both."))
    students = Person.objects.restrict(actor, ISSUE).filter(kind=PersonKind.STUDENT, active=True)
    if klass_id is not None:
        klass = SchoolClass.objects.restrict(actor, ISSUE).filter(pk=klass_id).first()
        if klass is None:
            _fail("klass_id", "not_found", _("Nothing has this id."))
        return students.filter(school_id=klass.school_id, klass_id=klass.pk)
    unit = Unit.objects.restrict(actor, ISSUE).filter(pk=unit_id).first()
    if unit is None:
        _fail("unit_id", "not_found", _("Nothing has this id."))
    return students.filter(school_id=unit.school_id, unit_id=unit.pk)


@transaction.atomic
def binding_codes_issue(*, actor, klass_id: int | None = None,
                        unit_id: int | None = None) -> list[IssuedCode]:
    """A new code for every active student of the class (or unit), voiding each one's
    unused code before; returns the plaintexts, which are never shown again."""
    students = list(_students_to_issue(actor, klass_id, unit_id)
                    .select_related("klass", "school").order_by("klass_id", "number"))
    now = timezone.now()
    expires = now + timedelta(days=settings.SHAODIAN_BINDING_CODE_DAYS)
    if students:
        BindingCode.objects.filter(
            school_id=students[0].school_id, person__in=students, used_at__isnull=True,
            voided_at__isnull=True).update(voided_at=now)
    issued = [IssuedCode(p, _new_code(), expires) for p in students]
    BindingCode.objects.bulk_create([
        BindingCode(school_id=i.person.school_id, person=i.person, code_hash=code_hash(i.code),
                    issued_by=actor, issued_at=now, expires_at=expires) for i in issued])
    return issued


# The lockout -------------------------------------------------------------------------------


# Parents at a school meeting share the school's one address: it may fail this many times
# more than one phone or account before it waits too.
ADDRESS_FACTOR = 5


def _failure_keys(ip: str | None, phone: str) -> list[str]:
    keys = [f"ip:{ip}"] if ip else []
    try:  # the same phone however it is typed; the counter holds its hash, never the number
        phone = normalize_phone(phone) if phone else ""
    except DocumentError:
        pass
    if phone:
        keys.append("phone:" + hashlib.sha256(phone.encode()).hexdigest()[:32])
    return keys


def _locked(keys: list[str]) -> bool:
    since = timezone.now() - timedelta(minutes=settings.SHAODIAN_BINDING_LOCKOUT_MINUTES)
    limit = settings.SHAODIAN_BINDING_MAX_FAILURES
    return any(BindingFailure.objects.filter(key=key, at__gt=since).count()
               >= limit * (ADDRESS_FACTOR if key.startswith("ip:") else 1) for key in keys)


def _check_not_locked(keys: list[str]) -> None:
    if _locked(keys):
        _fail("code", "rate_limited", _(
            "Too many wrong codes from here. Try again in %(minutes)d minutes.")
            % {"minutes": settings.SHAODIAN_BINDING_LOCKOUT_MINUTES})


def _check_account_not_locked(phone: str) -> None:
    """A sign-up is a way in: the one sign-in lockout (apps.access.lockout) of the account
    name it would make (the phone number) applies, as on the login and activation pages."""
    try:
        name = normalize_phone(phone) if phone else ""
    except DocumentError:
        return
    try:
        lockout.check(name)
    except lockout.LoginLocked as exc:
        raise ValidationFailed([FieldError("code", "locked", str(exc))]) from None


def binding_failures_prune(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete failures no lockout window can still count; returns how many went."""
    keep = max(older_than, timedelta(minutes=settings.SHAODIAN_BINDING_LOCKOUT_MINUTES))
    deleted, _rows = BindingFailure.objects.filter(at__lt=timezone.now() - keep).delete()
    return deleted


def _usable_code(raw: str, keys: list[str]) -> BindingCode:
    """The code's row, or a counted failure naming why it is refused."""
    row = (BindingCode.objects.filter(code_hash=code_hash(raw)).select_related("person")
           .first() if len(normalize_code(raw)) == CODE_LENGTH else None)
    reason = _code_refusal(row)
    if reason:
        BindingFailure.objects.bulk_create([BindingFailure(key=key) for key in keys])
        _fail("code", reason[0], reason[1])
    return row


def _code_refusal(row: BindingCode | None) -> tuple[str, str] | None:
    if row is None or not row.person.active:
        return "wrong", _("No such code. Check it against the slip from school.")
    if row.used_at is not None:
        return "used", _("This code has been used already. Ask the class teacher for a new one.")
    if row.voided_at is not None:
        return "voided", _("A newer code replaced this one. Use the newest slip from school.")
    if row.expires_at <= timezone.now():
        return "expired", _("This code expired on %(day)s. Ask the class teacher for a new one.") \
            % {"day": timezone.localtime(row.expires_at).strftime("%Y-%m-%d")}
    return None


# Binding -----------------------------------------------------------------------------------


def _binding_errors(person: Person, user, relation: str, consent: bool) -> list[FieldError]:
    errors = check_text("relation", relation, 20, needed=True)
    if not consent and age_on(person.birth_date, timezone.localdate()) < CONSENT_AGE:
        errors.append(FieldError("consent", "consent_required", _(
            "The child is under 14: consent to the processing of the child's personal "
            "information to bind.")))
    if user is None:
        return errors
    if person.user_id == user.pk:
        errors.append(FieldError("code", "self", _("A person cannot be their own guardian.")))
    elif Guardianship.objects.filter(school_id=person.school_id, person=person,
                                     user=user).exists():
        errors.append(FieldError("code", "already_linked", _("You are linked to this child.")))
    elif BindingRequest.objects.filter(school_id=person.school_id, person=person, user=user,
                                       state=BindingState.PENDING).exists():
        errors.append(FieldError("code", "already_requested", _(
            "You asked to be linked to this child already; the class teacher will decide.")))
    else:
        errors += _children_limit_errors(user)
    return errors


def _children_limit_errors(user) -> list[FieldError]:
    children = set(Guardianship.objects.filter(user=user).values_list("person_id", flat=True))
    children |= set(BindingRequest.objects.filter(user=user, state=BindingState.PENDING)
                    .values_list("person_id", flat=True))
    limit = settings.SHAODIAN_GUARDIAN_MAX_CHILDREN
    if len(children) < limit:
        return []
    return [FieldError("code", "too_many_children", _(
        "An account may be the guardian of at most %(limit)d children, and yours is linked "
        "to or waiting for %(count)d.") % {"limit": limit, "count": len(children)})]


def _link_at_once(school_id: int) -> bool:
    return FamilySettings.objects.filter(school_id=school_id, link_at_once=True).exists()


def _request(code: BindingCode, user, relation: str, consent: bool) -> BindingRequest:
    """Use the code (a conditional UPDATE: a code two people enter at once serves one) and
    record the request, linked at once if the school chose so."""
    now = timezone.now()
    if not BindingCode.objects.filter(pk=code.pk, used_at__isnull=True,
                                      voided_at__isnull=True).update(used_at=now, used_by=user):
        _fail("code", "used", _("This code has been used already. Ask the class teacher for "
                                "a new one."))
    person = code.person
    request = BindingRequest(school_id=person.school_id, person=person, user=user, code=code,
                             relation=relation, consent_at=now if consent else None)
    request._history_user = user
    request.save()
    if _link_at_once(person.school_id):
        _decide(request, actor=user, state=BindingState.CONFIRMED)
    else:
        _tell_teacher(request)
    return request


def _clean_signup(*, phone: str, name: str, relation: str, password: str) -> tuple:
    phone, errors = check_phone("phone", phone)
    if not phone and not errors:
        errors.append(required("phone"))
    name = " ".join(str(name or "").split())
    errors += check_text("name", name, 50, needed=True)
    try:
        validate_password(password or "")
    except ValidationError as exc:
        errors.append(FieldError("password", "weak", " ".join(exc.messages)))
    if phone and User.objects.filter(username=phone).exists():
        errors.append(FieldError("phone", "taken", _(
            "This phone number has an account already: sign in, then bind with the code.")))
    return phone, name, errors


def guardian_sign_up(*, code: str, phone: str, name: str, relation: str, password: str,
                     consent: bool, ip: str | None = None) -> BindingRequest:
    """A new guardian's account (signed in by their phone number) and their request for the
    child the code names. Every bad field is named at once; nothing is written then."""
    keys = _failure_keys(ip, phone)
    _check_not_locked(keys)
    _check_account_not_locked(phone)
    relation = str(relation or "").strip()
    phone, name, errors = _clean_signup(phone=phone, name=name, relation=relation,
                                        password=password)
    try:
        row = _usable_code(code, keys)
    except ValidationFailed as exc:
        if phone:  # the account this sign-up would make: the sign-in lockout counts it too
            lockout.fail(phone, ip)
        raise ValidationFailed(errors + exc.errors) from None
    errors += _binding_errors(row.person, None, relation, consent)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        user = User.objects.create_user(username=phone, password=password, display_name=name,
                                        phone=phone)
        return _request(row, user, relation, consent)


def guardian_bind(*, actor, code: str, relation: str, consent: bool,
                  ip: str | None = None) -> BindingRequest:
    """A signed-in guardian's request for one more child."""
    keys = _failure_keys(ip, actor.phone) + [f"user:{actor.pk}"]
    _check_not_locked(keys)
    relation = str(relation or "").strip()
    row = _usable_code(code, keys)
    errors = _binding_errors(row.person, actor, relation, consent)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        return _request(row, actor, relation, consent)


# Deciding ------------------------------------------------------------------------------------


def _decide(request: BindingRequest, *, actor, state: str, reason: str = "") -> None:
    request.state, request.reason = state, reason
    request.decided_by, request.decided_at = actor, timezone.now()
    request._history_user = actor
    request.save()
    linked = Guardianship.objects.filter(school_id=request.school_id, person_id=request.person_id,
                                         user_id=request.user_id).exists()
    if state == BindingState.CONFIRMED and not linked:  # a roster import may have linked them
        link = Guardianship(school_id=request.school_id, person_id=request.person_id,
                            user_id=request.user_id, relation=request.relation,
                            consent_at=request.consent_at)
        link._history_user = actor
        link.save()
    _tell_guardian(request)


def _pending(actor, binding_id: int) -> BindingRequest:
    request = get_object_or_404(
        BindingRequest.objects.restrict(actor, CONFIRM).select_for_update(of=("self",))
        .select_related("person"), pk=binding_id)
    if request.state != BindingState.PENDING:
        _fail("binding_id", "decided", _("This request has been decided already."))
    return request


@transaction.atomic
def binding_confirm(*, actor, binding_id: int) -> BindingRequest:
    """Link the guardian to the child (the class teacher's or the school admin's call)."""
    request = _pending(actor, binding_id)
    _decide(request, actor=actor, state=BindingState.CONFIRMED)
    return request


@transaction.atomic
def binding_reject(*, actor, binding_id: int, reason: str) -> BindingRequest:
    reason = str(reason or "").strip()
    errors = check_text("reason", reason, 200, needed=True)
    request = _pending(actor, binding_id)
    if errors:
        raise ValidationFailed(errors)
    _decide(request, actor=actor, state=BindingState.REJECTED, reason=reason)
    return request


@transaction.atomic
def family_settings_update(*, actor, school_id: int, link_at_once: bool) -> FamilySettings:
    if not School.objects.restrict(actor, SETTINGS).filter(pk=school_id).exists():
        raise Http404
    row = FamilySettings.objects.filter(school_id=school_id).first() or FamilySettings(
        school_id=school_id)
    row.link_at_once = bool(link_at_once)
    row._history_user = actor
    row.save()
    return row


# Telling ---------------------------------------------------------------------------------------


def _teacher_ids(person: Person) -> list[int]:
    teacher = (SchoolClass.objects.filter(pk=person.klass_id).values_list("teacher_id", flat=True)
               .first() if person.klass_id else None)
    return [teacher] if teacher else []


def _tell_teacher(request: BindingRequest) -> None:
    from apps.notifications.services import notification_send

    notification_send(
        recipient_ids=_teacher_ids(request.person), kind="family.binding",
        subject=format_lazy(gettext_lazy("A guardian asks to be linked to {name}"),
                            name=request.person.name),
        link="/families/pending/", school_id=request.school_id,
        dedupe_key=f"family-binding-{request.pk}")


def _tell_guardian(request: BindingRequest) -> None:
    from apps.notifications.services import notification_send

    subject = (gettext_lazy("You are linked to {name}") if request.state ==
               BindingState.CONFIRMED else gettext_lazy("Your request for {name} was rejected"))
    notification_send(
        recipient_ids=[request.user_id], kind="family.binding",
        subject=format_lazy(subject, name=request.person.name), body=request.reason,
        link="/families/mine/", school_id=request.school_id,
        dedupe_key=f"family-decided-{request.pk}")


def _tell_household_change(actor, member: HouseholdMember, what) -> None:
    from apps.notifications.services import notification_send

    person = member.person
    recipients = [t for t in _teacher_ids(person) if t != actor.pk]
    latest = member.history.order_by("-history_id").values_list("history_id", flat=True).first()
    notification_send(
        recipient_ids=recipients, kind="family.household",
        subject=format_lazy(what, name=person.name), link="/families/pending/",
        school_id=person.school_id, dedupe_key=f"family-household-{latest}")


# Households ------------------------------------------------------------------------------------


@transaction.atomic
def household_member_add(*, actor, person_id: int, **values) -> HouseholdMember:
    """Add a co-resident to the child's household (people.services checks and audits it) and
    tell the class teacher."""
    person = get_object_or_404(Person.objects.restrict(actor, people_services.HOUSEHOLD),
                               pk=person_id)
    member = people_services.household_member_add(actor=actor, person=person, **values)
    _tell_household_change(actor, member, gettext_lazy("{name}'s household: a co-resident added"))
    return member


@transaction.atomic
def household_member_update(*, actor, member_id: int, **changes) -> HouseholdMember:
    member = get_object_or_404(HouseholdMember.objects.restrict(actor, people_services.HOUSEHOLD),
                               pk=member_id)
    member = people_services.household_member_update(actor=actor, member=member, **changes)
    _tell_household_change(actor, member,
                           gettext_lazy("{name}'s household: a co-resident changed"))
    return member


@transaction.atomic
def household_member_remove(*, actor, member_id: int) -> None:
    member = get_object_or_404(
        HouseholdMember.objects.restrict(actor, people_services.HOUSEHOLD)
        .select_related("person"), pk=member_id)
    people_services.household_member_remove(actor=actor, member=member)
    _tell_household_change(actor, member,
                           gettext_lazy("{name}'s household: a co-resident removed"))
