"""Writes to people, guardians and households. Each function is one transaction: it either
saves everything or raises (ValidationFailed naming every bad field, or Http404 when the
actor may not change the target), and nothing is half-written.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access.audit import access_record
from apps.core.crypto import decrypt_text, encrypt_text, keyed_hash, keyed_hashes
from apps.core.errors import FieldError, ValidationFailed
from apps.core.identity import DocumentType, age_on, mask_document, normalize_document
from apps.orgs.models import School, SchoolClass
from apps.people.models import Guardianship, HouseholdMember, Person, Residence
from apps.people.validation import (
    check_birth_date,
    check_document,
    check_phone,
    check_placement,
    check_region,
    check_residence,
    check_sex,
    check_teaches_class,
    check_text,
    check_unique,
    required,
)

ID_TYPES = (DocumentType.RESIDENT_ID, DocumentType.LEGACY_ID)
PERSON_FIELDS = (
    "kind",
    "number",
    "name",
    "sex",
    "birth_date",
    "doc_type",
    "doc_number",
    "phone",
    "residence_region_code",
    "address",
    "unit",
    "klass",
    "teaches_class",
    "residence",
    "dorm_room",
    "active",
)
CONSENT_AGE = 14  # 个人信息保护法 art. 31: a guardian consents for a child under 14


def _max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


# Scope ---------------------------------------------------------------------------------


def _require_change(actor, *, school, klass=None) -> None:
    """404 unless the actor may change people in the school (and in the class, if any)."""
    if not School.objects.restrict(actor, "people.change").filter(pk=school.pk).exists():
        raise Http404
    if klass is not None and klass.school_id == school.pk:
        if not SchoolClass.objects.restrict(actor, "people.change").filter(pk=klass.pk).exists():
            raise Http404


def _changeable(actor, person: Person, perm: str = "people.change") -> Person:
    return get_object_or_404(
        Person.objects.restrict(actor, perm).select_related("school"), pk=person.pk
    )


def _require_change_after_save(actor, person: Person) -> None:
    # The person as now placed must still be in the actor's scope: a class teacher cannot
    # move a student out to a class of someone else's, nor add staff to a unit.
    if not Person.objects.restrict(actor, "people.change").filter(pk=person.pk).exists():
        raise Http404


# Checking and saving a person ----------------------------------------------------------


def _clean_person(
    *, school, values: dict, person: Person | None, unit_given: bool
) -> tuple[dict, list]:
    """Every field checked; returns the model values to store and all the errors."""
    today = timezone.localdate()
    texts, errors = _clean_texts(values)
    unit, found = check_placement(
        school=school,
        kind=values["kind"],
        klass=values["klass"],
        unit=values["unit"],
        unit_given=unit_given,
    )
    errors += found
    errors += check_teaches_class(school=school, kind=values["kind"],
                                  teaches_class=values["teaches_class"])
    document, id_birth, id_sex, found = _clean_document(values, person, today)
    errors += found
    birth_date, sex, found = _clean_birth_and_sex(values, id_birth, id_sex, today)
    errors += found
    phone, found = check_phone("phone", values["phone"])
    errors += found
    region, found = check_region("residence_region_code", values["residence_region_code"])
    errors += found
    errors += check_residence(
        school=school,
        residence=values["residence"],
        dorm_room=values["dorm_room"],
        person_pk=person and person.pk,
    )
    errors += check_unique(
        school=school,
        kind=values["kind"],
        number=texts["number"],
        hashes=document.hashes if document else None,
        person_pk=person and person.pk,
    )
    checked = {**texts, "sex": sex, "birth_date": birth_date, "phone": phone,
               "residence_region_id": region, "unit": unit}
    return _model_values(values, checked, document), errors


def _clean_texts(values: dict) -> tuple[dict, list]:
    """The number (as a document number is written), the name (spaces folded) and the
    address, each checked for presence and length."""
    number = normalize_document(values["number"])
    name = " ".join(str(values["name"] or "").split())
    address = str(values["address"] or "").strip()
    errors = [
        *check_text("number", number, _max(Person, "number"), needed=True),
        *check_text("name", name, _max(Person, "name"), needed=True),
        *check_text("address", address, _max(Person, "address"), needed=False),
    ]
    return {"number": number, "name": name, "address": address}, errors


def _clean_birth_and_sex(values: dict, id_birth, id_sex, today) -> tuple:
    """The birth date and sex, checked against what the ID number says."""
    if values["doc_type"] in ID_TYPES and id_birth is None:
        return values["birth_date"], values["sex"], []  # the document error says it all
    birth_date, errors = check_birth_date(values["birth_date"], id_birth, today=today)
    sex, found = check_sex(values["sex"], id_sex)
    return birth_date, sex, errors + found


def _model_values(values: dict, checked: dict, document) -> dict:
    """The Person fields to store: the checked values, the rest as given, and the document
    encrypted, hashed and masked when there is a new one."""
    cleaned = {
        "kind": values["kind"],
        "number": checked["number"],
        "name": checked["name"],
        "sex": checked["sex"],
        "birth_date": checked["birth_date"],
        "doc_type": values["doc_type"],
        "phone": checked["phone"],
        "residence_region_id": checked["residence_region_id"],
        "address": checked["address"],
        "unit": checked["unit"],
        "klass": values["klass"],
        "teaches_class": values["teaches_class"],
        "residence": values["residence"],
        "dorm_room": values["dorm_room"],
        "active": bool(values.get("active", True)),
    }
    if document is not None:
        cleaned.update(
            doc_cipher=encrypt_text(document.number),
            doc_hash=keyed_hash(document.number),
            doc_masked=mask_document(document.number),
        )
    return cleaned


def _clean_document(values: dict, person: Person | None, today):
    """The new document, or (on an update that keeps it) what the stored one says."""
    if values["doc_number"] is None:
        if values["doc_type"] != person.doc_type:
            return None, None, None, [required("doc_number")]
        if person.doc_type in ID_TYPES:
            return None, person.birth_date, person.sex, []
        return None, None, None, []
    document, errors = check_document(values["doc_type"], values["doc_number"], today=today)
    if document is None:
        return None, None, None, errors
    return document, document.birth_date, document.sex, errors


def _save(instance, *, actor, reason: str, unique_errors=None) -> None:
    instance._history_user = actor
    instance._change_reason = reason
    try:
        with transaction.atomic():  # a savepoint: a lost race on a unique key is bad input
            instance.save()
    except IntegrityError:
        errors = unique_errors() if unique_errors else []
        if not errors:
            raise
        raise ValidationFailed(errors) from None


def _unique_errors(person: Person):
    return lambda: check_unique(
        school=person.school,
        kind=person.kind,
        number=person.number,
        hashes=[person.doc_hash],
        person_pk=person.pk,
    )


@transaction.atomic
def person_create(
    *,
    actor,
    school: School,
    kind: str,
    number: str,
    name: str,
    sex: str | None,
    birth_date,
    doc_type: str,
    doc_number: str,
    phone: str = "",
    residence_region_code: str | None = None,
    address: str = "",
    unit=None,
    klass=None,
    residence: str = Residence.DAY,
    dorm_room=None,
    teaches_class=None,
) -> Person:
    """A new student (in a class) or staff member (in a unit, and the class they teach as
    its class teacher, if any). For an ID, `birth_date` and `sex` may be None: the ID says
    them; if given they must agree with it."""
    _require_change(actor, school=school, klass=klass)
    values = {
        "kind": kind,
        "number": number,
        "name": name,
        "sex": sex,
        "birth_date": birth_date,
        "doc_type": doc_type,
        "doc_number": doc_number or "",
        "phone": phone,
        "residence_region_code": residence_region_code,
        "address": address,
        "unit": unit,
        "klass": klass,
        "teaches_class": teaches_class,
        "residence": residence,
        "dorm_room": dorm_room,
    }
    cleaned, errors = _clean_person(
        school=school, values=values, person=None, unit_given=unit is not None
    )
    if errors:
        raise ValidationFailed(errors)
    person = Person(school=school, **cleaned)
    _save(person, actor=actor, reason="created", unique_errors=_unique_errors(person))
    _require_change_after_save(actor, person)
    return person


def _current_values(person: Person) -> dict:
    values = {
        f: getattr(person, f)
        for f in PERSON_FIELDS
        if f not in ("doc_number", "residence_region_code")
    }
    values.update(doc_number=None, residence_region_code=person.residence_region_id)
    return values


def _same_document(person: Person, cleaned: dict) -> bool:
    """The stored hash is the new number's, under the current key or (a row not yet
    rotated by rotate_keys) an old one."""
    if "doc_cipher" not in cleaned or cleaned["doc_hash"] == person.doc_hash:
        return "doc_cipher" in cleaned
    return person.doc_hash in keyed_hashes(decrypt_text(cleaned["doc_cipher"]))


def _apply(person: Person, cleaned: dict) -> list[str]:
    """Set what differs; returns the names of the fields that changed (never their values)."""
    if _same_document(person, cleaned):  # the same number typed again
        for field in ("doc_cipher", "doc_hash", "doc_masked"):
            cleaned.pop(field, None)
    changed = []
    for field, value in cleaned.items():
        if getattr(person, field) != value:
            setattr(person, field, value)
            changed.append("doc_number" if field == "doc_cipher" else field)
    return [f for f in changed if f not in ("doc_hash", "doc_masked")]


def _update(actor, person: Person, changes: dict, *, reason: str | None = None) -> Person:
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"person_update() got unexpected fields: {sorted(unknown)}")
    person = _changeable(actor, person)
    if changes.get("klass") is not None:
        _require_change(actor, school=person.school, klass=changes["klass"])
    values = {**_current_values(person), **changes}
    cleaned, errors = _clean_person(
        school=person.school, values=values, person=person, unit_given="unit" in changes
    )
    if errors:
        raise ValidationFailed(errors)
    changed = _apply(person, cleaned)
    if not changed:
        return person
    _save(
        person,
        actor=actor,
        reason=reason or "updated: " + ", ".join(changed),
        unique_errors=_unique_errors(person),
    )
    _require_change_after_save(actor, person)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, **changes) -> Person:
    """Change any of PERSON_FIELDS (not the school). A new `doc_number` replaces the
    document; without one, birth date and sex must still agree with the stored ID."""
    return _update(actor, person, changes)


@transaction.atomic
def person_move_class(*, actor, person: Person, klass: SchoolClass) -> Person:
    """Move a student to another class of the same school; the history keeps the move."""
    before = person.klass.name if person.klass_id else "-"
    return _update(actor, person, {"klass": klass}, reason=f"moved class: {before} -> {klass.name}")


# Revealing the document ----------------------------------------------------------------


@transaction.atomic
def person_reveal_document(*, actor, person: Person, reason: str, ip: str | None = None) -> str:
    """The unmasked document number, for someone allowed to see it who says why; the view
    is recorded in the access log (who, when, why; never the number)."""
    person = get_object_or_404(Person.objects.restrict(actor, "people.reveal_id"), pk=person.pk)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationFailed(
            [FieldError("reason", "required", _("Say why you need to see the full number."))]
        )
    number = decrypt_text(person.doc_cipher)
    access_record(
        user=actor, action="reveal_document", obj=person, fields="doc_number", reason=reason, ip=ip
    )
    return number


# Guardians -----------------------------------------------------------------------------


def _check_guardian(person: Person, user, relation: str, consent_at) -> list[FieldError]:
    errors = check_text("relation", relation, _max(Guardianship, "relation"), needed=True)
    if user is None:
        errors.append(required("user"))
    elif person.user_id == user.pk:
        errors.append(FieldError("user", "self", _("A person cannot be their own guardian.")))
    now = timezone.now()
    if consent_at is not None and consent_at > now:
        errors.append(FieldError("consent_at", "future", _("The consent cannot be in the future.")))
    elif consent_at is None and age_on(person.birth_date, timezone.localdate()) < CONSENT_AGE:
        errors.append(
            FieldError(
                "consent_at",
                "consent_required",
                _(
                    "The child is under 14: the guardian must consent to the processing of the "
                    "child's personal information first. Record when they consented."
                ),
            )
        )
    return errors


@transaction.atomic
def guardian_link(
    *, actor, person: Person, user, relation: str, consent_at: datetime | None = None
) -> Guardianship:
    """Link a guardian's account to a child (or update the link). Children under 14 need
    the guardian's recorded consent; a link without it is refused."""
    person = _changeable(actor, person)
    relation = str(relation or "").strip()
    existing = Guardianship.objects.filter(
        school_id=person.school_id, person=person, user=user
    ).first()
    consent_at = consent_at or (existing.consent_at if existing else None)
    errors = _check_guardian(person, user, relation, consent_at)
    if errors:
        raise ValidationFailed(errors)
    link = existing or Guardianship(school_id=person.school_id, person=person, user=user)
    link.relation, link.consent_at = relation, consent_at
    _save(link, actor=actor, reason="guardian linked")
    return link


@transaction.atomic
def guardian_unlink(*, actor, guardianship: Guardianship) -> None:
    link = get_object_or_404(
        Guardianship.objects.restrict(actor, "people.change"), pk=guardianship.pk
    )
    link._history_user = actor
    link.delete()


# Households (co-residents of day students) ---------------------------------------------

HOUSEHOLD_FIELDS = ("name", "relation", "phone", "occupation", "residence_region_code")
HOUSEHOLD = "people.household"  # those who change people, and a guardian their child's


def _clean_member(person: Person, values: dict, member_pk=None) -> tuple[dict, list[FieldError]]:
    name = " ".join(str(values["name"] or "").split())
    relation = str(values["relation"] or "").strip()
    occupation = str(values["occupation"] or "").strip()
    errors = [
        *check_text("name", name, _max(HouseholdMember, "name"), needed=True),
        *check_text("relation", relation, _max(HouseholdMember, "relation"), needed=True),
        *check_text("occupation", occupation, _max(HouseholdMember, "occupation"), needed=False),
    ]
    phone, found = check_phone("phone", values["phone"])
    errors += found
    region, found = check_region("residence_region_code", values["residence_region_code"])
    errors += found
    if person.residence != Residence.DAY:
        errors.append(
            FieldError(
                "person",
                "not_day_resident",
                _("Co-residents are recorded for day students and staff only."),
            )
        )
    duplicate = HouseholdMember.objects.filter(
        school_id=person.school_id, person=person, name=name, relation=relation
    ).exclude(pk=member_pk)
    if name and relation and duplicate.exists():
        errors.append(FieldError("name", "duplicate", _("This co-resident is already recorded.")))
    cleaned = {
        "name": name,
        "relation": relation,
        "phone": phone,
        "occupation": occupation,
        "residence_region_id": region,
    }
    return cleaned, errors


def _member_unique_errors(member: HouseholdMember):
    return lambda: [FieldError("name", "duplicate", _("This co-resident is already recorded."))]


@transaction.atomic
def household_member_add(
    *,
    actor,
    person: Person,
    name: str,
    relation: str,
    phone: str = "",
    occupation: str = "",
    residence_region_code: str | None = None,
) -> HouseholdMember:
    person = _changeable(actor, person, HOUSEHOLD)
    values = {
        "name": name,
        "relation": relation,
        "phone": phone,
        "occupation": occupation,
        "residence_region_code": residence_region_code,
    }
    cleaned, errors = _clean_member(person, values)
    if errors:
        raise ValidationFailed(errors)
    member = HouseholdMember(school_id=person.school_id, person=person, **cleaned)
    _save(member, actor=actor, reason="added", unique_errors=_member_unique_errors(member))
    return member


def _changeable_member(actor, member: HouseholdMember) -> HouseholdMember:
    return get_object_or_404(
        HouseholdMember.objects.restrict(actor, HOUSEHOLD).select_related("person"),
        pk=member.pk,
    )


@transaction.atomic
def household_member_update(*, actor, member: HouseholdMember, **changes) -> HouseholdMember:
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"household_member_update() got unexpected fields: {sorted(unknown)}")
    member = _changeable_member(actor, member)
    values = {
        "name": member.name,
        "relation": member.relation,
        "phone": member.phone,
        "occupation": member.occupation,
        "residence_region_code": member.residence_region_id,
        **changes,
    }
    cleaned, errors = _clean_member(member.person, values, member_pk=member.pk)
    if errors:
        raise ValidationFailed(errors)
    for field, value in cleaned.items():
        setattr(member, field, value)
    _save(member, actor=actor, reason="updated", unique_errors=_member_unique_errors(member))
    return member


@transaction.atomic
def household_member_remove(*, actor, member: HouseholdMember) -> None:
    member = _changeable_member(actor, member)
    member._history_user = actor
    member.delete()
