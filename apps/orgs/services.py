"""Writes to the org tree: bureaus, schools, units, classes, dorm rooms, hospitals.

Every function checks its input first (ValidationFailed naming each bad field; nothing is
written) and that the actor holds "orgs.change" on the node written to or under, through
the scope layer; out of scope is Http404, as if the node did not exist. Nodes may be given
as instances or ids; they are always re-read through the actor's scope.
"""

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from apps.access.models import User
from apps.core.errors import FieldError, ValidationFailed
from apps.core.identity import DocumentError, normalize_phone
from apps.orgs.models import (
    Boarding,
    Bureau,
    BureauLevel,
    DormRoom,
    Hospital,
    HospitalContact,
    School,
    SchoolClass,
    SchoolKind,
    Unit,
    UnitKind,
)
from apps.regions.models import Region, RegionLevel
from apps.regions.selectors import region_ancestor_codes, region_get

CHANGE = "orgs.change"
# The region level each bureau level stands on.
BUREAU_REGION_LEVEL = {
    BureauLevel.PROVINCE: RegionLevel.PROVINCE,
    BureauLevel.CITY: RegionLevel.PREFECTURE,
    BureauLevel.COUNTY: RegionLevel.COUNTY,
}
_BUREAU_RANK = {BureauLevel.PROVINCE: 0, BureauLevel.CITY: 1, BureauLevel.COUNTY: 2}
MAX_BEDS = 40


class Errors:
    """Collects field errors so that one call reports every bad field at once."""

    def __init__(self):
        self.items: list[FieldError] = []

    def add(self, field: str, reason: str, message: str) -> None:
        self.items.append(FieldError(field, reason, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items)


def _pk(node) -> int | None:
    return getattr(node, "pk", node)


def _in_scope(model, actor, node, perm: str = CHANGE):
    """The node re-read through the actor's scope; Http404 when out of it or missing."""
    found = model.objects.restrict(actor, perm).filter(pk=_pk(node)).first()
    if found is None:
        raise Http404
    return found


def _required(errors: Errors, field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        errors.add(field, "required", _("This field is required."))
    return value


def _choice(errors: Errors, field: str, value: str, choices) -> str:
    if value not in choices.values:
        errors.add(field, "invalid_choice",
                   _("“%(value)s” is not a valid choice.") % {"value": value})
    return value


def _region(errors: Errors, region_code: str, field: str = "region_code") -> Region | None:
    region = region_get(region_code or "")
    if region is None:
        errors.add(field, "unknown_region",
                   _("No region has the code “%(code)s”.") % {"code": region_code})
    return region


def _phone(errors: Errors, field: str, value: str, *, required: bool = False) -> str:
    if not (value or "").strip():
        if required:
            errors.add(field, "required", _("This field is required."))
        return ""
    try:
        return normalize_phone(value)
    except DocumentError:
        errors.add(field, "bad_phone", _("This is not a valid phone number."))
        return value


def _within(region: Region | None, outer: Region | str) -> bool:
    outer_code = getattr(outer, "code", outer)
    return region is not None and outer_code in region_ancestor_codes(region.code)


def _hospital_visible(errors: Errors, actor, hospital) -> Hospital | None:
    """A hospital the actor can see; otherwise a field error that says nothing of others."""
    if hospital is None:
        return None
    found = Hospital.objects.restrict(actor, "orgs.view").filter(pk=_pk(hospital)).first()
    if found is None:
        errors.add("hospital", "unknown_hospital", _("No such designated hospital."))
    return found


# Bureaus -----------------------------------------------------------------------------


def _bureau_parent(errors: Errors, actor, parent, level: str, region: Region | None):
    if parent is None:
        # The province department is the root: created at set-up by a superuser.
        if not actor.is_superuser:
            raise Http404
        if level != BureauLevel.PROVINCE:
            errors.add("parent", "required", _("Only the province department has no parent."))
        return None
    parent = _in_scope(Bureau, actor, parent)
    if level in _BUREAU_RANK and _BUREAU_RANK[level] <= _BUREAU_RANK[parent.level]:
        errors.add("level", "level_not_below_parent",
                   _("A bureau must be below its parent's level."))
    if region is not None and not _within(region, parent.region_id):
        errors.add("region_code", "outside_parent",
                   _("The region is outside the parent bureau's region."))
    return parent


@transaction.atomic
def bureau_create(*, actor: User, name: str, level: str, region_code: str,
                  parent: Bureau | int | None = None) -> Bureau:
    errors = Errors()
    name = _required(errors, "name", name)
    _choice(errors, "level", level, BureauLevel)
    region = _region(errors, region_code)
    parent = _bureau_parent(errors, actor, parent, level, region)
    wanted = BUREAU_REGION_LEVEL.get(level)
    if region is not None and wanted is not None and region.level != wanted:
        errors.add("region_code", "level_mismatch",
                   _("A bureau of this level must stand on a region of level “%(level)s”.")
                   % {"level": wanted.label})
    if region is not None and Bureau.objects.filter(region=region, level=level).exists():
        errors.add("region_code", "duplicate", _("This region already has a bureau of this level."))
    errors.raise_if_any()
    return Bureau.objects.create(name=name, level=level, region=region, parent=parent)


# Schools -----------------------------------------------------------------------------


def _school_fields(errors: Errors, *, name: str, code: str, region: Region | None, bureau: Bureau,
                   school: School | None = None) -> None:
    if region is not None and not _within(region, bureau.region_id):
        errors.add("region_code", "outside_bureau",
                   _("The school's region is outside its bureau's region."))
    others = School.objects.exclude(pk=getattr(school, "pk", None))
    if code and others.filter(code=code).exists():
        errors.add("code", "duplicate", _("Another school has this school code."))
    if name and others.filter(bureau=bureau, name=name).exists():
        errors.add("name", "duplicate", _("This bureau already has a school with this name."))


@transaction.atomic
def school_create(*, actor: User, name: str, code: str, kind: str, boarding: str,
                  region_code: str, bureau: Bureau | int, address: str = "",
                  hospital: Hospital | int | None = None) -> School:
    bureau = _in_scope(Bureau, actor, bureau)
    errors = Errors()
    name, code = _required(errors, "name", name), _required(errors, "code", code)
    _choice(errors, "kind", kind, SchoolKind)
    _choice(errors, "boarding", boarding, Boarding)
    region = _region(errors, region_code)
    hospital = _hospital_visible(errors, actor, hospital)
    _school_fields(errors, name=name, code=code, region=region, bureau=bureau)
    errors.raise_if_any()
    return School.objects.create(name=name, code=code, kind=kind, boarding=boarding, region=region,
                                 bureau=bureau, address=(address or "").strip(), hospital=hospital)


@transaction.atomic
def school_update(*, actor: User, school: School | int, name: str | None = None,
                  code: str | None = None, kind: str | None = None, boarding: str | None = None,
                  region_code: str | None = None, bureau: Bureau | int | None = None,
                  address: str | None = None) -> School:
    """Change the fields given (None leaves a field as it is). Moving a school to another
    bureau needs "orgs.change" on that bureau too."""
    school = _in_scope(School, actor, school)
    errors = Errors()
    if bureau is not None and _pk(bureau) != school.bureau_id:
        school.bureau = _in_scope(Bureau, actor, bureau)
    if name is not None:
        school.name = _required(errors, "name", name)
    if code is not None:
        school.code = _required(errors, "code", code)
    if kind is not None:
        school.kind = _choice(errors, "kind", kind, SchoolKind)
    if boarding is not None:
        school.boarding = _choice(errors, "boarding", boarding, Boarding)
    region = _region(errors, region_code) if region_code is not None else school.region
    if address is not None:
        school.address = address.strip()
    _school_fields(errors, name=school.name, code=school.code, region=region, bureau=school.bureau,
                   school=school)
    errors.raise_if_any()
    school.region = region
    school.save()
    return school


@transaction.atomic
def school_set_hospital(*, actor: User, school: School | int,
                        hospital: Hospital | int | None) -> School:
    """Pair the school with its designated hospital (一校一院), or unpair it with None.
    The hospital must be one the actor can see (bureaus pair schools with hospitals)."""
    school = _in_scope(School, actor, school)
    errors = Errors()
    found = _hospital_visible(errors, actor, hospital)
    errors.raise_if_any()
    school.hospital = found
    school.save(update_fields=["hospital"])
    return school


# Units, classes, dorm rooms ----------------------------------------------------------------


@transaction.atomic
def unit_create(*, actor: User, school: School | int, name: str, kind: str) -> Unit:
    school = _in_scope(School, actor, school)
    errors = Errors()
    name = _required(errors, "name", name)
    _choice(errors, "kind", kind, UnitKind)
    if name and Unit.objects.filter(school=school, name=name).exists():
        errors.add("name", "duplicate", _("This school already has a unit with this name."))
    errors.raise_if_any()
    return Unit.objects.create(school=school, name=name, kind=kind)


def _teacher(errors: Errors, teacher) -> User | None:
    if teacher is None:
        return None
    found = User.objects.filter(pk=_pk(teacher), is_active=True).first()
    if found is None:
        errors.add("teacher", "unknown_user", _("No such active user."))
    return found


@transaction.atomic
def class_create(*, actor: User, school: School | int, unit: Unit | int, name: str,
                 teacher: User | int | None = None) -> SchoolClass:
    school = _in_scope(School, actor, school)
    errors = Errors()
    name = _required(errors, "name", name)
    found_unit = Unit.objects.filter(pk=_pk(unit), school=school).first()
    if found_unit is None:
        errors.add("unit", "wrong_school", _("The unit is not one of this school's units."))
    if name and SchoolClass.objects.filter(school=school, name=name).exists():
        errors.add("name", "duplicate", _("This school already has a class with this name."))
    teacher = _teacher(errors, teacher)
    errors.raise_if_any()
    return SchoolClass.objects.create(school=school, unit=found_unit, name=name, teacher=teacher)


@transaction.atomic
def class_set_teacher(*, actor: User, klass: SchoolClass | int,
                      teacher: User | int | None) -> SchoolClass:
    klass = _in_scope(SchoolClass, actor, klass)
    errors = Errors()
    found = _teacher(errors, teacher)
    errors.raise_if_any()
    klass.teacher = found
    klass.save(update_fields=["teacher"])
    return klass


@transaction.atomic
def dorm_room_create(*, actor: User, school: School | int, building: str, room: str,
                     beds: int = 6) -> DormRoom:
    school = _in_scope(School, actor, school)
    errors = Errors()
    building, room = _required(errors, "building", building), _required(errors, "room", room)
    if not isinstance(beds, int) or not 1 <= beds <= MAX_BEDS:
        errors.add("beds", "out_of_range",
                   _("Beds must be between 1 and %(max)d.") % {"max": MAX_BEDS})
    rooms = DormRoom.objects.filter(school=school, building=building, room=room)
    if building and room and rooms.exists():
        errors.add("room", "duplicate", _("This building already has a room with this number."))
    errors.raise_if_any()
    return DormRoom.objects.create(school=school, building=building, room=room, beds=beds)


# Hospitals ---------------------------------------------------------------------------


@transaction.atomic
def hospital_create(*, actor: User, name: str, region_code: str, address: str = "",
                    phone: str = "") -> Hospital:
    """A designated hospital in a region under one of the actor's bureaus."""
    errors = Errors()
    name = _required(errors, "name", name)
    region = _region(errors, region_code)
    phone = _phone(errors, "phone", phone)
    if region is not None:
        above = region_ancestor_codes(region.code)
        if not Bureau.objects.restrict(actor, CHANGE).filter(region_id__in=above).exists():
            errors.add("region_code", "out_of_scope",
                       _("The region is outside your bureau's region."))
    if name and region is not None and Hospital.objects.filter(name=name, region=region).exists():
        errors.add("name", "duplicate", _("This region already has a hospital with this name."))
    errors.raise_if_any()
    return Hospital.objects.create(name=name, region=region, address=(address or "").strip(),
                                   phone=phone)


@transaction.atomic
def hospital_contact_add(*, actor: User, hospital: Hospital | int, name: str, role: str,
                         phone: str) -> HospitalContact:
    hospital = _in_scope(Hospital, actor, hospital)
    errors = Errors()
    name, role = _required(errors, "name", name), _required(errors, "role", role)
    phone = _phone(errors, "phone", phone, required=True)
    if name and HospitalContact.objects.filter(hospital=hospital, name=name, role=role).exists():
        errors.add("name", "duplicate", _("This hospital already has this contact."))
    errors.raise_if_any()
    return HospitalContact.objects.create(hospital=hospital, name=name, role=role, phone=phone)
