"""Checks of a person's fields, collected rather than stopped at the first: a form or an
import row shows every problem at once. Each check returns FieldErrors (field, reason,
translated message); the services raise them together as one ValidationFailed.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.crypto import document_hashes
from apps.core.errors import FieldError, ValidationFailed
from apps.core.identity import DocumentError, DocumentType, normalize_phone, validate_document
from apps.people.models import PersonKind, Residence, Sex

# Choice values, computed once: an enum's .values builds a new list on every call, and an
# import checks a million rows.
KINDS = frozenset(PersonKind.values)
SEXES = frozenset(Sex.values)
RESIDENCES = frozenset(Residence.values)

# User-facing text for each DocumentError.reason (identity.py stays free of Django).
DOCUMENT_MESSAGES = {
    "bad_checksum": gettext_lazy(
        "The check character of the ID number is wrong: please check every digit."
    ),
    "bad_birth_date": gettext_lazy("The birth date inside the ID number does not exist."),
    "future_birth_date": gettext_lazy("The birth date inside the ID number is in the future."),
    "bad_region": gettext_lazy("The ID number does not start with a valid province code."),
    "bad_type": gettext_lazy("Choose a known document type."),
    "bad_phone": gettext_lazy("Enter an 11-digit mobile number or a landline with its area code."),
}
FORMAT_MESSAGES = {
    DocumentType.RESIDENT_ID: gettext_lazy(
        "A resident ID number is 17 digits followed by a digit or X."
    ),
    DocumentType.LEGACY_ID: gettext_lazy("A first-generation ID number is 15 digits."),
    DocumentType.PASSPORT: gettext_lazy("A passport number is 5 to 17 letters or digits."),
    DocumentType.HK_MACAO_PERMIT: gettext_lazy(
        "A Hong Kong/Macao permit number is H or M followed by 8 or 10 digits."
    ),
    DocumentType.TAIWAN_PERMIT: gettext_lazy("A Taiwan permit number is 8 or 10 digits."),
}


def document_error(field: str, doc_type: str, exc: DocumentError) -> FieldError:
    if exc.reason == "bad_format":
        message = FORMAT_MESSAGES.get(doc_type, DOCUMENT_MESSAGES["bad_type"])
    else:
        message = DOCUMENT_MESSAGES.get(exc.reason, str(exc))
    return FieldError(field, exc.reason, str(message))


def required(field: str) -> FieldError:
    return FieldError(field, "required", _("This field is required."))


def too_long(field: str, limit: int) -> FieldError:
    return FieldError(field, "too_long", _("At most %(limit)d characters.") % {"limit": limit})


def bad_choice(field: str) -> FieldError:
    return FieldError(field, "bad_choice", _("Choose one of the listed values."))


def wrong_school(field: str) -> FieldError:
    return FieldError(field, "wrong_school", _("This belongs to another school."))


def check_text(field: str, value: str, limit: int, *, needed: bool) -> list[FieldError]:
    if needed and not value:
        return [required(field)]
    return [too_long(field, limit)] if len(value) > limit else []


def text_checked(field: str, value, limit: int, *, needed: bool) -> str:
    """A free-text field stripped, or a ValidationFailed naming it (missing, too long)."""
    value = str(value or "").strip()
    errors = check_text(field, value, limit, needed=needed)
    if errors:
        raise ValidationFailed(errors)
    return value


def check_phone(field: str, value: str) -> tuple[str, list[FieldError]]:
    """The phone normalised ('' stays ''), or the error."""
    if not (value or "").strip():
        return "", []
    try:
        return normalize_phone(value), []
    except DocumentError as exc:
        return "", [document_error(field, "", exc)]


def check_region(field: str, code: str | None) -> tuple[str | None, list[FieldError]]:
    from apps.regions.models import Region

    code = (code or "").strip()
    if not code:
        return None, []
    if not re.fullmatch(r"\d{6}", code) or not Region.objects.filter(code=code).exists():
        return None, [FieldError(field, "unknown_region", _("No region has this code."))]
    return code, []


@dataclass
class Document:
    """A checked document: what to store, and what the ID itself says about the person."""

    number: str
    hashes: list[str]
    birth_date: date | None = None
    sex: str | None = None


def check_document(
    doc_type: str, number: str, *, today: date
) -> tuple[Document | None, list[FieldError]]:
    if doc_type not in DocumentType.ALL:
        return None, [bad_choice("doc_type")]
    if not (number or "").strip():
        return None, [required("doc_number")]
    try:
        normalized, parsed = validate_document(doc_type, number, today=today)
    except DocumentError as exc:
        return None, [document_error("doc_number", doc_type, exc)]
    document = Document(normalized, document_hashes(normalized))
    if parsed is not None:
        document.birth_date, document.sex = parsed.birth_date, parsed.sex
    return document, []


def check_birth_date(
    given: date | None, from_id: date | None, *, today: date
) -> tuple[date | None, list[FieldError]]:
    """The ID's birth date wins; one given beside it must agree with it."""
    if from_id is not None:
        if given is not None and given != from_id:
            return from_id, [
                FieldError(
                    "birth_date",
                    "birth_date_mismatch",
                    _("The birth date does not match the ID number."),
                )
            ]
        return from_id, []
    if given is None:
        return None, [required("birth_date")]
    if given > today:
        return None, [
            FieldError("birth_date", "future_birth_date", _("The birth date is in the future."))
        ]
    if given.year < 1900:
        return None, [
            FieldError("birth_date", "bad_birth_date", _("The birth date is before 1900."))
        ]
    return given, []


def check_sex(given: str | None, from_id: str | None) -> tuple[str | None, list[FieldError]]:
    if given and given not in SEXES:
        return None, [bad_choice("sex")]
    if from_id is not None:
        if given and given != from_id:
            return from_id, [
                FieldError("sex", "sex_mismatch", _("The sex does not match the ID number."))
            ]
        return from_id, []
    return (given, []) if given else (None, [required("sex")])


def check_placement(
    *, school, kind: str, klass, unit, unit_given: bool
) -> tuple[object, list[FieldError]]:
    """A student sits in a class (the unit is the class's); a staff member in a unit.
    Returns the unit to store."""
    if kind not in KINDS:
        return unit, [bad_choice("kind")]
    errors = []
    if klass is not None and klass.school_id != school.pk:
        errors.append(wrong_school("klass"))
    if unit is not None and unit.school_id != school.pk:
        errors.append(wrong_school("unit"))
    if kind == PersonKind.STUDENT:
        if klass is None:
            return unit, [*errors, required("klass")]
        if unit_given and unit is not None and unit.pk != klass.unit_id:
            errors.append(
                FieldError("unit", "unit_mismatch", _("The class belongs to another unit."))
            )
        return klass.unit, errors
    if klass is not None:
        errors.append(
            FieldError("klass", "not_for_staff", _("Staff members do not sit in a class."))
        )
    if unit is None:
        errors.append(required("unit"))
    return unit, errors


def check_teaches_class(*, school, kind: str, teaches_class) -> list[FieldError]:
    """The class a staff member teaches (its class teacher's): a class of the school."""
    if teaches_class is None:
        return []
    if teaches_class.school_id != school.pk:
        return [wrong_school("teaches_class")]
    if kind != PersonKind.STAFF:
        return [FieldError("teaches_class", "not_for_students",
                           _("Only a staff member teaches a class."))]
    return []


def check_residence(*, school, residence: str, dorm_room, person_pk) -> list[FieldError]:
    from apps.people.models import Person

    if residence not in RESIDENCES:
        return [bad_choice("residence")]
    if dorm_room is None:
        return []
    if dorm_room.school_id != school.pk:
        return [wrong_school("dorm_room")]
    if residence != Residence.BOARDER:
        return [FieldError("dorm_room", "not_boarder", _("Only boarders have a dorm room."))]
    others = Person.objects.filter(school=school, dorm_room=dorm_room, active=True).exclude(
        pk=person_pk
    )
    if others.count() >= dorm_room.beds:
        return [FieldError("dorm_room", "room_full", _("Every bed in this room is taken."))]
    return []


def check_unique(
    *, school, kind: str, number: str, hashes: list[str] | None, person_pk
) -> list[FieldError]:
    from apps.people.models import Person

    in_school = Person.objects.filter(school=school).exclude(pk=person_pk)
    errors = []
    if number and in_school.filter(kind=kind, number=number).exists():
        errors.append(
            FieldError(
                "number", "duplicate", _("This school already has someone with this number.")
            )
        )
    if hashes and in_school.filter(doc_hash__in=hashes).exists():
        errors.append(
            FieldError(
                "doc_number",
                "duplicate_document",
                _("This document is already registered in this school under another number."),
            )
        )
    return errors
