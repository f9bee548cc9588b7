"""What every org write checks: the field-by-field errors, the scope re-read, the history's
who and why, and the input helpers (names, choices, regions, phones)."""

from datetime import date

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import FieldError, ValidationFailed
from apps.core.identity import DocumentError, normalize_phone
from apps.orgs.models import BureauLevel, Hospital, School, UnitKind
from apps.regions.models import Region, RegionLevel
from apps.regions.selectors import region_ancestor_codes, region_get

CHANGE = "orgs.change"  # a school's own structure: units, classes, dorm rooms
SCHOOLS = "orgs.schools"  # the bureaus' register of schools, and their pairing
BUREAUS = "orgs.bureaus"  # the bureaus themselves: the province's
HOSPITALS = "orgs.hospitals"  # designated hospitals and their contacts
# The region level each bureau level stands on.
BUREAU_REGION_LEVEL = {
    BureauLevel.PROVINCE: RegionLevel.PROVINCE,
    BureauLevel.CITY: RegionLevel.PREFECTURE,
    BureauLevel.COUNTY: RegionLevel.COUNTY,
}
BUREAU_RANK = {BureauLevel.PROVINCE: 0, BureauLevel.CITY: 1, BureauLevel.COUNTY: 2}
MAX_BEDS = 40
# Units that hold classes; a department holds staff only.
CLASS_UNIT_KINDS = (UnitKind.GRADE, UnitKind.COLLEGE)
# simple_history keeps a change's reason in 100 characters.
MAX_REASON = 100
# A school year starts on 1 September; the year it starts in names it.
SCHOOL_YEAR_START_MONTH = 9
SCHOOL_YEARS = (2000, 2100)


def current_school_year(day: date | None = None) -> int:
    day = day or timezone.localdate()
    return day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1


class Errors:
    """Collects field errors so that one call reports every bad field at once."""

    def __init__(self):
        self.items: list[FieldError] = []

    def add(self, field: str, reason: str, message: str) -> None:
        self.items.append(FieldError(field, reason, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items)


def pk(node) -> int | None:
    return getattr(node, "pk", node)


def in_scope(model, actor, node, perm: str = CHANGE):
    """The node re-read through the actor's scope; Http404 when out of it or missing."""
    found = model.objects.restrict(actor, perm).filter(pk=pk(node)).first()
    if found is None:
        raise Http404
    return found


def save(obj, actor, reason: str = "", **kwargs) -> None:
    """Save with the actor (and reason) in the record's history: the API's token users are
    not the request's user when simple_history's middleware reads it."""
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    obj.save(**kwargs)


def required(errors: Errors, field: str, value: str, max_length: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        errors.add(field, "required", _("This field is required."))
    elif len(value) > max_length:
        errors.add(field, "too_long", _("At most %(n)d characters.") % {"n": max_length})
    return value


def optional(errors: Errors, field: str, value: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        errors.add(field, "too_long", _("At most %(n)d characters.") % {"n": max_length})
    return value


def choice(errors: Errors, field: str, value: str, choices) -> str:
    if value not in choices.values:
        errors.add(field, "invalid_choice",
                   _("“%(value)s” is not a valid choice.") % {"value": value})
    return value


def region(errors: Errors, region_code: str, field: str = "region_code") -> Region | None:
    region = region_get(region_code or "")
    if region is None:
        errors.add(field, "unknown_region",
                   _("No region has the code “%(code)s”.") % {"code": region_code})
    return region


def phone(errors: Errors, field: str, value: str, *, required: bool = False) -> str:
    if not (value or "").strip():
        if required:
            errors.add(field, "required", _("This field is required."))
        return ""
    try:
        return normalize_phone(value)
    except DocumentError:
        errors.add(field, "bad_phone", _("This is not a valid phone number."))
        return value


def within(region: Region | None, outer: Region | str) -> bool:
    outer_code = getattr(outer, "code", outer)
    return region is not None and outer_code in region_ancestor_codes(region.code)


def hospital_visible(errors: Errors, actor, hospital) -> Hospital | None:
    """A hospital the actor can see; otherwise a field error that says nothing of others."""
    if hospital is None:
        return None
    found = Hospital.objects.restrict(actor, "orgs.view").filter(pk=pk(hospital)).first()
    if found is None:
        errors.add("hospital", "unknown_hospital", _("No such designated hospital."))
    return found


def reason(errors: Errors, reason: str) -> str:
    return required(errors, "reason", reason, MAX_REASON)


def open_school(actor, school, perm: str = CHANGE) -> School:
    """The school in the actor's scope, refused when closed: a closed school gets no new
    units, classes or rooms (reopen it first)."""
    school = in_scope(School, actor, school, perm)
    if not school.active:
        raise ValidationFailed([FieldError("school", "closed", _("The school is closed."))])
    return school


