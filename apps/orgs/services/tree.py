"""The bureaus (the province's) and the register of schools (the bureaus'): create, change,
close and reopen, pair with a designated hospital."""

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from apps.access.models import User
from apps.orgs.models import Boarding, Bureau, BureauLevel, Hospital, School, SchoolKind
from apps.orgs.services import fields as f
from apps.orgs.services.fields import BUREAUS, SCHOOLS, Errors
from apps.regions.models import Region

NAME_MAX = {Bureau: 100, School: 120}


def _bureau_parent(errors: Errors, actor, parent, level: str, region: Region | None):
    if parent is None:
        # The province department is the root, made once by `manage.py bootstrap_province`
        # (services.bootstrap); a superuser may still make it, for repairs.
        if not actor.is_superuser:
            raise Http404
        if level != BureauLevel.PROVINCE:
            errors.add("parent", "required", _("Only the province department has no parent."))
        return None
    parent = f.in_scope(Bureau, actor, parent, BUREAUS)
    rank = f.BUREAU_RANK
    if level in rank and rank[level] <= rank[parent.level]:
        errors.add("level", "level_not_below_parent",
                   _("A bureau must be below its parent's level."))
    if region is not None and not f.within(region, parent.region_id):
        errors.add("region_code", "outside_parent",
                   _("The region is outside the parent bureau's region."))
    return parent


def _bureau_name(errors: Errors, name: str, parent, bureau=None) -> str:
    name = f.required(errors, "name", name, NAME_MAX[Bureau])
    siblings = Bureau.objects.filter(parent=parent, name=name).exclude(pk=f.pk(bureau))
    if name and siblings.exists():
        errors.add("name", "duplicate", _("Another bureau under this parent has this name."))
    return name


@transaction.atomic
def bureau_create(*, actor: User, name: str, level: str, region_code: str,
                  parent: Bureau | int | None = None) -> Bureau:
    errors = Errors()
    f.choice(errors, "level", level, BureauLevel)
    region = f.region(errors, region_code)
    parent = _bureau_parent(errors, actor, parent, level, region)
    name = _bureau_name(errors, name, parent)
    wanted = f.BUREAU_REGION_LEVEL.get(level)
    if region is not None and wanted is not None and region.level != wanted:
        errors.add("region_code", "level_mismatch",
                   _("A bureau of this level must stand on a region of level “%(level)s”.")
                   % {"level": wanted.label})
    if region is not None and Bureau.objects.filter(region=region, level=level).exists():
        errors.add("region_code", "duplicate", _("This region already has a bureau of this level."))
    errors.raise_if_any()
    bureau = Bureau(name=name, level=level, region=region, parent=parent)
    f.save(bureau, actor)
    return bureau


@transaction.atomic
def bureau_update(*, actor: User, bureau: Bureau | int, name: str) -> Bureau:
    """Rename a bureau. Its level and region are what it is: another region is another
    bureau."""
    bureau = f.in_scope(Bureau, actor, bureau, BUREAUS)
    errors = Errors()
    bureau.name = _bureau_name(errors, name, bureau.parent_id, bureau)
    errors.raise_if_any()
    f.save(bureau, actor)
    return bureau


# Schools -----------------------------------------------------------------------------


def _school_fields(errors: Errors, *, name: str, code: str, region: Region | None, bureau: Bureau,
                   school: School | None = None) -> None:
    if region is not None and not f.within(region, bureau.region_id):
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
    bureau = f.in_scope(Bureau, actor, bureau, SCHOOLS)
    errors = Errors()
    name = f.required(errors, "name", name, NAME_MAX[School])
    code = f.required(errors, "code", code, 20)
    f.choice(errors, "kind", kind, SchoolKind)
    f.choice(errors, "boarding", boarding, Boarding)
    region = f.region(errors, region_code)
    address = f.optional(errors, "address", address, 200)
    hospital = f.hospital_visible(errors, actor, hospital)
    _school_fields(errors, name=name, code=code, region=region, bureau=bureau)
    errors.raise_if_any()
    school = School(name=name, code=code, kind=kind, boarding=boarding, region=region,
                    bureau=bureau, address=address, hospital=hospital)
    f.save(school, actor)
    return school


def _school_changes(errors: Errors, school: School, values: dict) -> None:
    """Set each field given on the school (None leaves it as it is), checked."""
    if values["name"] is not None:
        school.name = f.required(errors, "name", values["name"], NAME_MAX[School])
    if values["code"] is not None:
        school.code = f.required(errors, "code", values["code"], 20)
    if values["kind"] is not None:
        school.kind = f.choice(errors, "kind", values["kind"], SchoolKind)
    if values["boarding"] is not None:
        school.boarding = f.choice(errors, "boarding", values["boarding"], Boarding)
    if values["address"] is not None:
        school.address = f.optional(errors, "address", values["address"], 200)


@transaction.atomic
def school_update(*, actor: User, school: School | int, name: str | None = None,
                  code: str | None = None, kind: str | None = None, boarding: str | None = None,
                  region_code: str | None = None, bureau: Bureau | int | None = None,
                  address: str | None = None) -> School:
    """Change the fields given (None leaves a field as it is). Moving a school to another
    bureau needs "orgs.schools" on that bureau too."""
    school = f.in_scope(School, actor, school, SCHOOLS)
    errors = Errors()
    if bureau is not None and f.pk(bureau) != school.bureau_id:
        school.bureau = f.in_scope(Bureau, actor, bureau, SCHOOLS)
    _school_changes(errors, school, {"name": name, "code": code, "kind": kind,
                                     "boarding": boarding, "address": address})
    region = f.region(errors, region_code) if region_code is not None else school.region
    _school_fields(errors, name=school.name, code=school.code, region=region, bureau=school.bureau,
                   school=school)
    errors.raise_if_any()
    school.region = region
    f.save(school, actor)
    return school


def _set_open(actor: User, school, reason: str, *, active: bool) -> School:
    school = f.in_scope(School, actor, school, SCHOOLS)
    errors = Errors()
    reason = f.reason(errors, reason)
    if school.active == active:
        errors.add("school", "already_open" if active else "already_closed",
                   _("The school is open already.") if active
                   else _("The school is closed already."))
    errors.raise_if_any()
    school.active = active
    f.save(school, actor, reason, update_fields=["active"])
    return school


@transaction.atomic
def school_close(*, actor: User, school: School | int, reason: str) -> School:
    """Close a school (merged, shut): it stays, with its people and history, and can be
    reopened; it gets no new units, classes or rooms and leaves the readiness list."""
    return _set_open(actor, school, reason, active=False)


@transaction.atomic
def school_reopen(*, actor: User, school: School | int, reason: str) -> School:
    return _set_open(actor, school, reason, active=True)


@transaction.atomic
def school_set_hospital(*, actor: User, school: School | int,
                        hospital: Hospital | int | None) -> School:
    """Pair the school with its designated hospital (一校一院), or unpair it with None.
    The hospital must be one the actor can see (bureaus pair schools with hospitals)."""
    school = f.in_scope(School, actor, school, SCHOOLS)
    errors = Errors()
    found = f.hospital_visible(errors, actor, hospital)
    errors.raise_if_any()
    school.hospital = found
    f.save(school, actor, update_fields=["hospital"])
    return school
