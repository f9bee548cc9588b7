"""Classes and units a roster names that the school does not have yet, created by the
import when it is asked to (`create_places`): listed by the dry run, which checks the rows
as if they existed (stand-ins with negative ids), and created only when the file is
applied, in the import's transaction, through the set-up services (apps.orgs.services),
so they are audited and checked as if the school admin had made them on the set-up page.

A new class needs its grade (the row's grade column): a class named with two grades in one
file, or with none, is an error on its rows. Only someone who may change the school's
structure (orgs.change) may ask for this."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from apps.core.errors import ValidationFailed
from apps.orgs.models import School, SchoolClass, SchoolKind, Unit, UnitKind
from apps.orgs.services import class_create, unit_create
from apps.orgs.services.fields import CHANGE, CLASS_UNIT_KINDS, current_school_year
from apps.orgs.services.structure import NAME_MAX
from apps.people.models import PersonKind
from apps.rosters.headers import TITLES
from apps.rosters.normalize import clean_text
from apps.rosters.reading import RosterError
from apps.rosters.services.plans import Plan, RowError, Scope
from apps.rosters.services.rows import _key, _School


@dataclass
class NewPlaces:
    """What the file names that the school lacks, in the spelling of its first row. Their
    stand-ins' ids are handed out in this order: -1, -2, … units first, then classes."""

    units: dict[str, str] = field(default_factory=dict)  # key -> name
    # key -> (name, its unit's key, its unit's name)
    classes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def listing(self) -> list[dict]:
        """As the import history keeps it (RosterImport.places)."""
        units = [{"kind": "unit", "name": name, "unit": ""} for name in self.units.values()]
        classes = [{"kind": "class", "name": name, "unit": unit}
                   for name, _unit_key, unit in self.classes.values()]
        return units + classes

    def stand_in_ids(self):
        """(key, id) of every unit, then every class."""
        keys = [*self.units, *self.classes]
        return zip(keys, range(-1, -1 - len(keys), -1), strict=True)

    @property
    def rows(self) -> set[int]:
        return {e.row for e in self.errors}

    def __bool__(self) -> bool:
        return bool(self.units or self.classes)


def places_allowed(actor, school: School) -> None:
    """RosterError unless the actor may change the school's structure."""
    if not School.objects.restrict(actor, CHANGE).filter(pk=school.pk).exists():
        raise RosterError("cannot_create_places", _(
            "You may not create classes or grades in this school: ask its administrator, "
            "or create them on the set-up pages first."))


def places_missing(plan: Plan, known: _School) -> NewPlaces:
    """The units and classes the file names that `known` lacks, and the rows that name a
    new class without a grade, with two grades, or in a unit that holds no classes. Reads
    only the file."""
    found = NewPlaces()
    grades: dict[str, dict[str, list[int]]] = {}  # new class key -> unit key -> rows
    student = plan.kind == PersonKind.STUDENT
    class_field = "klass" if student else "teaches_class"
    for row in plan.table.rows:
        unit_text = clean_text(plan.columns.value(row.cells, "unit"))
        unit_key = _key(unit_text)
        class_text = clean_text(plan.columns.value(row.cells, class_field))
        key = _key(class_text)
        new_class = bool(class_text) and key not in known.classes and len(class_text) <= NAME_MAX
        if student and not new_class:
            continue  # a grade is made only for a new class: else a typo would be one
        if unit_text and unit_key not in known.units and len(unit_text) <= NAME_MAX:
            found.units.setdefault(unit_key, unit_text)
        if new_class:
            unit_name = found.units.get(unit_key) or getattr(known.units.get(unit_key),
                                                             "name", "")
            found.classes.setdefault(key, (class_text, unit_key, unit_name))
            grades.setdefault(key, {}).setdefault(unit_key, []).append(row.number)
    for key, by_unit in grades.items():
        _check_grade(plan, found, known, key, by_unit)
    if student:  # a grade only for the classes still made
        used = {unit_key for _name, unit_key, _unit in found.classes.values()}
        found.units = {key: name for key, name in found.units.items() if key in used}
    return found


def _check_grade(plan: Plan, found: NewPlaces, known: _School, key: str,
                 by_unit: dict[str, list[int]]) -> None:
    """A new class sits in exactly one grade (or college), named on its rows."""
    name = found.classes[key][0]
    class_field = "klass" if plan.kind == PersonKind.STUDENT else "teaches_class"
    unit_column = str(plan.columns.titles.get("unit") or TITLES["unit"])
    errors = []
    if "" in by_unit:
        message = _("%(name)s is a new class: give its grade in the grade column.") % {
            "name": name}
        errors += [RowError(row, unit_column, "", "new_class_needs_grade", message)
                   for row in by_unit[""]]
    named = {unit: rows for unit, rows in by_unit.items() if unit}
    if len(named) > 1:
        rows = sorted(r for group in named.values() for r in group)
        message = _("%(name)s is given more than one grade in this file (rows %(rows)s).") % {
            "name": name, "rows": ", ".join(map(str, rows))}
        errors += [RowError(row, plan.columns.titles[class_field], name,
                            "class_in_two_grades", message) for row in rows]
    for unit_key, rows in named.items():
        unit = known.units.get(unit_key)
        if unit is None and plan.kind == PersonKind.STAFF:
            # A staff row's new unit is a department, which holds no classes.
            message = _("%(name)s is a new class: a staff row may create it only in a grade "
                        "the school has (its grade or department column).") % {"name": name}
            errors += [RowError(row, unit_column, found.units.get(unit_key, ""),
                                "new_class_needs_grade", message) for row in rows]
        elif unit is not None and unit.kind not in CLASS_UNIT_KINDS:
            message = _("%(unit)s holds no classes: a class belongs to a grade or a college.") \
                % {"unit": unit.name}
            errors += [RowError(row, unit_column, unit.name, "not_a_grade", message)
                       for row in rows]
    if errors:
        found.errors += errors
        del found.classes[key]


def places_stand_in(plan: Plan, known: _School, scope: Scope, places: NewPlaces) -> None:
    """The new units and classes, unsaved, with their negative ids, in `known` and
    `scope`: the dry run checks the rows as if they existed."""
    for key, pk in places.stand_in_ids():
        if key in places.units:
            unit = Unit(pk=pk, school=plan.school, name=places.units[key], kind=_unit_kind(plan))
            known.units[key] = unit
            scope.units.add(pk)
            continue
        name, unit_key, _unit_name = places.classes[key]
        known.classes[key] = SchoolClass(pk=pk, school=plan.school, name=name,
                                         unit=known.units[unit_key],
                                         school_year=current_school_year())
        scope.classes.add(pk)


def _unit_kind(plan: Plan) -> str:
    if plan.kind == PersonKind.STAFF:
        return UnitKind.DEPARTMENT
    return UnitKind.COLLEGE if plan.school.kind == SchoolKind.UNIVERSITY else UnitKind.GRADE


def places_create(*, actor, plan: Plan, known: _School, places: NewPlaces) -> dict[int, int]:
    """Create the new units and classes (in the caller's transaction) through the set-up
    services, put them in `known`, and return each stand-in's id -> the created row's id.
    RosterError if one was made meanwhile by someone else."""
    created = {}
    try:
        for key, pk in places.stand_in_ids():
            if key in places.units:
                place = unit_create(actor=actor, school=plan.school, name=places.units[key],
                                    kind=_unit_kind(plan))
                known.units[key] = place
            else:
                name, unit_key, _unit_name = places.classes[key]
                place = class_create(actor=actor, school=plan.school, name=name,
                                     unit=known.units[unit_key])
                known.classes[key] = place
            created[pk] = place.pk
    except ValidationFailed:
        raise RosterError("conflict", _(
            "Someone changed the school's classes while the file was imported: check it "
            "again.")) from None
    return created


def places_resolve(plan: Plan, created: dict[int, int]) -> None:
    """The planned rows point at the created rows instead of the stand-ins."""
    if not created:
        return
    for planned in plan.rows:
        for name in ("klass_id", "teaches_class_id", "unit_id"):
            value = planned.values.get(name)
            if value is not None and value < 0:
                planned.values[name] = created[value]
