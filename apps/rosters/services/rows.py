"""One row of a roster read and checked on its own: its cells cleaned (normalize.py), then
the people app's own checks (apps.people.validation), so a row the import accepts is a row
person_create would accept. The school's classes, units and rooms are read once per plan
(`_load_school`), never per row."""

import difflib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import FieldError, ValidationFailed
from apps.orgs.models import DormRoom, School, SchoolClass, Unit
from apps.people.models import HouseholdMember, Person, PersonKind, Residence
from apps.people.validation import (
    check_birth_date,
    check_document,
    check_phone,
    check_placement,
    check_sex,
    check_text,
)
from apps.regions.selectors import region_resolve
from apps.rosters.headers import GUARDIAN_FIELDS, TITLES, normalize_header
from apps.rosters.normalize import (
    CellError,
    clean_date,
    clean_doc_type,
    clean_document_number,
    clean_residence,
    clean_sex,
    clean_text,
)
from apps.rosters.services.plans import (
    FIELD_COLUMN,
    PROGRESS_ROWS,
    SENSITIVE,
    Plan,
    PlannedRow,
    RowError,
)

# A roster's guardian is kept as a household member (services/guardians.py).
GUARDIAN_NAME_MAX = HouseholdMember._meta.get_field("name").max_length
GUARDIAN_RELATION_MAX = HouseholdMember._meta.get_field("relation").max_length
UNKNOWN_CLASS = gettext_lazy("This school has no class with this name.")
UNKNOWN_UNIT = gettext_lazy("This school has no grade or department with this name.")
UNKNOWN_DORM = gettext_lazy("This school has no dorm room with this name (building and room).")
FORMULA_WITHOUT_VALUE = gettext_lazy(
    "A formula with no computed value: open the file in Excel, let it calculate, save it and "
    "upload it again (or paste the values in place of the formulas).")


class _Row:
    """One row being checked: its cells by field, and the errors found so far."""

    __slots__ = ("cells", "errors", "hashes", "number", "plan", "positions")

    def __init__(self, plan: Plan, number: int, cells: list):
        self.plan, self.number, self.cells = plan, number, cells
        self.positions = plan.columns.positions
        self.errors: list[RowError] = []
        self.hashes: list[str] = []  # the document's keyed hashes, once it is checked

    def raw(self, name: str):
        index = self.positions.get(name)
        return None if index is None else self.cells[index]

    def given(self, name: str) -> bool:
        return name in self.plan.columns.positions

    def fail(self, name: str, reason: str, message: str, value=None) -> None:
        name = FIELD_COLUMN.get(name, name)
        column = self.plan.columns.titles.get(name) or str(TITLES.get(name, name))
        shown = value if value is not None else clean_text(self.raw(name))
        if name in SENSITIVE and shown:
            shown = SENSITIVE[name](shown)
        self.errors.append(RowError(self.number, column, shown, reason, str(message)))

    def add(self, errors: list[FieldError], value=None) -> None:
        for e in errors:
            self.fail(e.field, e.reason, e.message, value if e.field == "doc_number" else None)

    def clean(self, name: str, cleaner, *args):
        try:
            return cleaner(self.raw(name), *args)
        except CellError as exc:
            self.fail(name, exc.reason, exc.message)
            return None


@dataclass
class _School:
    """The school's classes, units, rooms and people, read once per plan."""

    classes: dict[str, SchoolClass]
    units: dict[str, Unit]
    rooms: dict[str, DormRoom]
    occupancy: dict[int, int]
    regions: dict[str, object] = field(default_factory=dict)


@lru_cache(maxsize=4096)  # a file names the same few classes and units again and again
def _key(text: str) -> str:
    return normalize_header(text)


def _load_school(school: School) -> _School:
    classes = {_key(c.name): c for c in SchoolClass.objects.open().filter(school=school)
               .select_related("unit")}
    units = {_key(u.name): u for u in Unit.objects.open().filter(school=school)}
    rooms = {}
    for room in DormRoom.objects.filter(school=school):
        rooms[_key(f"{room.building}{room.room}")] = room
    occupancy = dict(
        Person.objects.filter(school=school, active=True, dorm_room__isnull=False)
        .values_list("dorm_room").annotate(n=Count("pk")).values_list("dorm_room", "n")
    )
    return _School(classes, units, rooms, occupancy)


def _lookup(row: _Row, name: str, found: dict, reason: str, message: str):
    text = clean_text(row.raw(name))
    if not text:
        return None
    item = found.get(_key(text))
    if item is None:
        nearest = (_nearest(_key(text), found) if name in ("klass", "teaches_class", "unit")
                   else None)
        if nearest is not None:
            hint = _("Did you mean %(name)s?") % {"name": nearest}
            message = f"{message} {hint}"
        row.fail(name, reason, message)
    return item


@lru_cache(maxsize=1024)  # a misspelt class is usually misspelt the same way on every row
def _nearest_key(key: str, keys: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
    return close[0] if close else None


def _nearest(key: str, found: dict) -> str | None:
    """The name of the school's class (or unit) closest to an unknown one, if any is close:
    for the error file, so the office sees 高一(3)班 beside 高一(13)班."""
    nearest = _nearest_key(key, tuple(k for k, item in found.items() if item.pk > 0))
    return None if nearest is None else found[nearest].name


def _region(row: _Row, known: _School) -> str | None:
    text = clean_text(row.raw("residence_region"))
    if not text:
        return None
    if text not in known.regions:
        try:
            known.regions[text] = region_resolve(text, field="residence_region")
        except ValidationFailed as exc:
            known.regions[text] = exc.errors
    found = known.regions[text]
    if isinstance(found, list):
        row.add(found)
        return None
    return found.code


def _read_row(row: _Row, kind: str, known: _School, today: date) -> PlannedRow | None:
    if row.plan.table.uncomputed:
        for name, index in row.plan.columns.positions.items():
            if (row.number, index) in row.plan.table.uncomputed:
                row.fail(name, "formula_without_value", FORMULA_WITHOUT_VALUE, value="")
    number = clean_text(row.raw("number")).replace(" ", "").upper()
    name = clean_text(row.raw("name"))
    address = clean_text(row.raw("address"))
    row.add(check_text("number", number, Person._meta.get_field("number").max_length,
                       needed=True))
    row.add(check_text("name", name, Person._meta.get_field("name").max_length, needed=True))
    row.add(check_text("address", address, Person._meta.get_field("address").max_length,
                       needed=False))
    klass = unit = teaches = None
    if kind == PersonKind.STUDENT:
        klass = _lookup(row, "klass", known.classes, "unknown_class", UNKNOWN_CLASS)
    else:  # a class teacher's class (people.Person.teaches_class)
        teaches = _lookup(row, "teaches_class", known.classes, "unknown_class", UNKNOWN_CLASS)
    unit = _lookup(row, "unit", known.units, "unknown_unit", UNKNOWN_UNIT)
    if not any(e.reason in ("unknown_class", "unknown_unit") for e in row.errors):
        unit, found = check_placement(school=row.plan.school, kind=kind, klass=klass, unit=unit,
                                      unit_given=unit is not None)
        row.add(found)
    document, birth_date, sex = _read_document(row, today)
    phone, found = check_phone("phone", clean_text(row.raw("phone")))
    row.add(found, None)
    region = _region(row, known)
    residence = row.clean("residence", clean_residence) or Residence.DAY
    room = _lookup(row, "dorm", known.rooms, "unknown_dorm", UNKNOWN_DORM)
    if room is not None and residence != Residence.BOARDER:
        row.fail("dorm", "not_boarder", _("Only boarders have a dorm room."))
    guardian = _read_guardian(row) if kind == PersonKind.STUDENT else None
    if row.errors:
        return None
    values = {"number": number, "name": name, "sex": sex, "birth_date": birth_date,
              "doc_type": document[0], "doc_hash": row.hashes[0], "phone": phone,
              "residence_region_id": region, "address": address, "unit_id": unit and unit.pk,
              "klass_id": klass and klass.pk, "teaches_class_id": teaches and teaches.pk,
              "residence": residence,
              "dorm_room_id": room and room.pk}
    planned = PlannedRow(row.number, number, values, document[1], row.hashes)
    planned.guardian = guardian
    return planned


def _read_guardian(row: _Row) -> tuple[str, str, str] | None:
    """(name, relation, phone) of the guardian the row names, None if it names none."""
    if not any(row.given(name) for name in GUARDIAN_FIELDS):
        return None
    name = clean_text(row.raw("guardian_name"))
    relation = clean_text(row.raw("guardian_relation"))
    phone, found = check_phone("guardian_phone", clean_text(row.raw("guardian_phone")))
    row.add(found)
    if not (name or relation or phone):
        return None
    row.add(check_text("guardian_name", name, GUARDIAN_NAME_MAX, needed=True))
    row.add(check_text("guardian_relation", relation, GUARDIAN_RELATION_MAX, needed=True))
    return name, relation, phone


def _read_document(row: _Row, today: date):
    """(doc_type, number), birth date and sex: the ID's own, checked against the cells."""
    number = row.clean("doc_number", clean_document_number)
    if number is None:
        return (None, None), None, None
    doc_type = row.clean("doc_type", clean_doc_type, number)
    given_birth = row.clean("birth_date", clean_date)
    given_sex = row.clean("sex", clean_sex)
    if doc_type is None:
        return (None, None), None, None
    document, found = check_document(doc_type, number, today=today)
    row.add(found, number)
    if document is None:
        return (doc_type, None), None, None
    birth_date, found = check_birth_date(given_birth, document.birth_date, today=today)
    row.add(found)
    sex, found = check_sex(given_sex, document.sex)
    row.add(found)
    row.hashes = document.hashes
    return (doc_type, document.number), birth_date, sex


def _read_rows(plan: Plan, rows: list, known: _School, today: date, progress=None,
               scale: int = 1, each=None) -> None:
    """Rows read and checked into the plan; `each(planned)` is told every valid one."""
    for done, table_row in enumerate(rows):
        if progress is not None and not done % PROGRESS_ROWS:
            progress(done * scale)
        row = _Row(plan, table_row.number, table_row.cells)
        planned = _read_row(row, plan.kind, known, today)
        plan.errors += row.errors
        if planned is not None:
            plan.rows.append(planned)
            if each is not None:
                each(planned)
