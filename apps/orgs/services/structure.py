"""A school's own structure, its admin's to keep: units (grades, colleges, departments),
classes (in a grade or college, for a school year) and dorm rooms with their beds."""

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext as _

from apps.access.models import User
from apps.orgs.models import DormRoom, School, SchoolClass, Unit, UnitKind
from apps.orgs.services import fields as f
from apps.orgs.services.fields import CLASS_UNIT_KINDS, SCHOOL_YEARS, Errors

NAME_MAX = 100


def _name_in_school(errors: Errors, model, school_id: int, name: str, row, message) -> str:
    """The unit's or class's name, refused when another of the school's has it."""
    name = f.required(errors, "name", name, NAME_MAX)
    others = model.objects.filter(school_id=school_id, name=name).exclude(pk=f.pk(row))
    if name and others.exists():
        errors.add("name", "duplicate", message)
    return name


def _unit_name(errors: Errors, school_id: int, name: str, unit=None) -> str:
    return _name_in_school(errors, Unit, school_id, name, unit,
                           _("This school already has a unit with this name."))


@transaction.atomic
def unit_create(*, actor: User, school: School | int, name: str, kind: str) -> Unit:
    school = f.open_school(actor, school)
    errors = Errors()
    name = _unit_name(errors, school.pk, name)
    f.choice(errors, "kind", kind, UnitKind)
    errors.raise_if_any()
    unit = Unit(school=school, name=name, kind=kind)
    f.save(unit, actor)
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: Unit | int, name: str | None = None,
                kind: str | None = None) -> Unit:
    unit = f.in_scope(Unit, actor, unit)
    errors = Errors()
    if name is not None:
        unit.name = _unit_name(errors, unit.school_id, name, unit)
    if kind is not None:
        unit.kind = f.choice(errors, "kind", kind, UnitKind)
        if kind not in CLASS_UNIT_KINDS and unit.classes.exists():
            errors.add("kind", "has_classes",
                       _("This unit has classes: only a grade or a college holds classes."))
    errors.raise_if_any()
    f.save(unit, actor)
    return unit


# Classes -----------------------------------------------------------------------------


def _teacher(errors: Errors, teacher) -> User | None:
    if teacher is None:
        return None
    found = User.objects.filter(pk=f.pk(teacher), is_active=True).first()
    if found is None:
        errors.add("teacher", "unknown_user", _("No such active user."))
    return found


def _class_unit(errors: Errors, school_id: int, unit) -> Unit | None:
    """The class's grade or college: a unit of the same school (looked up inside it, so
    another school's unit is as unknown as none)."""
    found = Unit.objects.filter(pk=f.pk(unit), school_id=school_id).first()
    if found is None:
        errors.add("unit", "wrong_school", _("The unit is not one of this school's units."))
    elif found.kind not in CLASS_UNIT_KINDS:
        errors.add("unit", "not_a_grade", _("Classes belong to a grade or a college."))
    return found


def _school_year(errors: Errors, year) -> int:
    low, high = SCHOOL_YEARS
    if not isinstance(year, int) or isinstance(year, bool) or not low <= year <= high:
        errors.add("school_year", "out_of_range",
                   _("The school year is the year it starts in, %(low)d to %(high)d.")
                   % {"low": low, "high": high})
    return year


def _class_name(errors: Errors, school_id: int, name: str, klass=None) -> str:
    return _name_in_school(errors, SchoolClass, school_id, name, klass,
                           _("This school already has a class with this name."))


@transaction.atomic
def class_create(*, actor: User, school: School | int, unit: Unit | int, name: str,
                 school_year: int | None = None, teacher: User | int | None = None
                 ) -> SchoolClass:
    """A class in a grade or college of the school, for a school year (this one unless
    given)."""
    school = f.open_school(actor, school)
    errors = Errors()
    name = _class_name(errors, school.pk, name)
    found_unit = _class_unit(errors, school.pk, unit)
    year = _school_year(errors, f.current_school_year() if school_year is None else school_year)
    teacher = _teacher(errors, teacher)
    errors.raise_if_any()
    klass = SchoolClass(school=school, unit=found_unit, name=name, teacher=teacher,
                        school_year=year)
    f.save(klass, actor)
    return klass


@transaction.atomic
def class_update(*, actor: User, klass: SchoolClass | int, name: str | None = None,
                 unit: Unit | int | None = None, school_year: int | None = None) -> SchoolClass:
    """Rename a class, move it to another grade of its school, or set its school year.
    Its people follow it: they point at the class, not at its name."""
    klass = f.in_scope(SchoolClass, actor, klass)
    errors = Errors()
    if name is not None:
        klass.name = _class_name(errors, klass.school_id, name, klass)
    if unit is not None:
        klass.unit = _class_unit(errors, klass.school_id, unit)
    if school_year is not None:
        klass.school_year = _school_year(errors, school_year)
    errors.raise_if_any()
    f.save(klass, actor)
    return klass


@transaction.atomic
def class_set_teacher(*, actor: User, klass: SchoolClass | int,
                      teacher: User | int | None) -> SchoolClass:
    klass = f.in_scope(SchoolClass, actor, klass)
    errors = Errors()
    found = _teacher(errors, teacher)
    errors.raise_if_any()
    klass.teacher = found
    f.save(klass, actor, update_fields=["teacher"])
    return klass


# Dorm rooms --------------------------------------------------------------------------


def _room_fields(errors: Errors, school_id: int, building: str, room: str, beds,
                 dorm=None) -> tuple[str, str]:
    building, room = f.required(errors, "building", building, 50), f.required(errors, "room",
                                                                              room, 20)
    if not isinstance(beds, int) or isinstance(beds, bool) or not 1 <= beds <= f.MAX_BEDS:
        errors.add("beds", "out_of_range",
                   _("Beds must be between 1 and %(max)d.") % {"max": f.MAX_BEDS})
    rooms = DormRoom.objects.filter(school_id=school_id, building=building, room=room)
    if building and room and rooms.exclude(pk=f.pk(dorm)).exists():
        errors.add("room", "duplicate", _("This building already has a room with this number."))
    return building, room


def room_occupants(dorm: DormRoom) -> int:
    # Orgs names the Person model lazily, as its foreign keys do: orgs imports no people module.
    person = apps.get_model("people", "Person")
    return person.objects.filter(school_id=dorm.school_id, dorm_room=dorm, active=True).count()


@transaction.atomic
def dorm_room_create(*, actor: User, school: School | int, building: str, room: str,
                     beds: int = 6) -> DormRoom:
    school = f.open_school(actor, school)
    errors = Errors()
    building, room = _room_fields(errors, school.pk, building, room, beds)
    errors.raise_if_any()
    dorm = DormRoom(school=school, building=building, room=room, beds=beds)
    f.save(dorm, actor)
    return dorm


@transaction.atomic
def dorm_room_update(*, actor: User, dorm_room: DormRoom | int, building: str, room: str,
                     beds: int) -> DormRoom:
    dorm = f.in_scope(DormRoom, actor, dorm_room)
    errors = Errors()
    building, room = _room_fields(errors, dorm.school_id, building, room, beds, dorm)
    if isinstance(beds, int) and beds < (living := room_occupants(dorm)):
        errors.add("beds", "below_occupants",
                   _("%(n)d boarders live in this room: it needs at least as many beds.")
                   % {"n": living})
    errors.raise_if_any()
    dorm.building, dorm.room, dorm.beds = building, room, beds
    f.save(dorm, actor)
    return dorm
