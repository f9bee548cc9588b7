"""Roster import: a school's student or staff list checked row by row (dry run), then
written in one transaction.

Every row goes through the people app's own checks (apps.people.validation), so a row the
import accepts is a row person_create would accept. The school's existing people, classes,
units, dorm rooms and documents are read in bulk: the number of queries does not grow with
the number of rows.
"""

import hashlib
import os
import pickle
import queue
import select
import signal
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache, partial

import psycopg
from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from apps.access.grants import grants_for
from apps.core.crypto import encrypt_text
from apps.core.db import copy_rows
from apps.core.errors import FieldError, ValidationFailed
from apps.core.identity import DocumentType, mask_document, mask_phone
from apps.core.scoping import grant_filter
from apps.demo.writer import IdPool, write_rows
from apps.orgs.models import DormRoom, School, SchoolClass, Unit
from apps.people.models import Person, PersonKind, Residence
from apps.people.validation import (
    check_birth_date,
    check_document,
    check_phone,
    check_placement,
    check_sex,
    check_text,
)
from apps.regions.selectors import region_resolve
from apps.rosters.files import (
    Progress,
    files_prune,
    progress_clear,
    upload_delete,
    upload_load,
    upload_store,
)
from apps.rosters.headers import TITLES, Columns, match_columns, normalize_header
from apps.rosters.models import IMPORT_PENDING, ImportStatus, RosterImport
from apps.rosters.normalize import (
    CellError,
    clean_date,
    clean_doc_type,
    clean_document_number,
    clean_residence,
    clean_sex,
    clean_text,
)
from apps.rosters.reading import (
    RosterError,
    Table,
    check_upload,
    gc_paused,
    may_fork,
    read_table,
)

PERM = "rosters.import"
ID_TYPES = (DocumentType.RESIDENT_ID, DocumentType.LEGACY_ID)
# Model field (as the people checks name it) -> roster field (as headers.py names it).
FIELD_COLUMN = {"residence_region_code": "residence_region", "dorm_room": "dorm"}
SENSITIVE = {"doc_number": mask_document, "phone": mask_phone}
UNKNOWN_CLASS = gettext_lazy("This school has no class with this name.")
UNKNOWN_UNIT = gettext_lazy("This school has no grade or department with this name.")
UNKNOWN_DORM = gettext_lazy("This school has no dorm room with this name (building and room).")
FORMULA_WITHOUT_VALUE = gettext_lazy(
    "A formula with no computed value: open the file in Excel, let it calculate, save it and "
    "upload it again (or paste the values in place of the formulas).")
EXPIRED = gettext_lazy("The uploaded file is no longer kept: upload it again.")
NOT_ALLOWED = gettext_lazy("You may no longer import into this school.")
BATCH = 10_000  # ids or keys per IN (...) query
PROGRESS_ROWS = 5_000  # rows between two progress reports
PARALLEL_ROWS = 50_000  # from this many rows the row checks use both cores
PARENT_SHARE = 0.53  # of a large file's rows, checked in this process (the rest forked)
# The same while the new people are written (_check_and_create): this process also sends
# every new person to COPY, and the child encrypts its own rows' documents.
STREAM_PARENT_SHARE = 0.25
STREAM_BLOCK = 2_000  # rows checked here between two looks at the child's chunks
STREAM_CHUNK = 20_000  # new people per COPY (its foreign keys are checked at its end)
CHILD_CHUNK = 5_000  # rows the child sends back at a time
CHILD_NICE = 10  # the child's lower priority while the parent writes (see _Child)
PREVIEW_ROWS = 20
# What a roster row sets on a person, compared field by field with the stored person.
COMPARED = ("name", "sex", "birth_date", "doc_type", "doc_hash", "phone",
            "residence_region_id", "address", "unit_id", "klass_id", "residence", "dorm_room_id")
# Roster field -> the stored fields it sets: a column absent from the file leaves them be.
SETS = {"phone": ("phone",), "residence_region": ("residence_region_id",),
        "address": ("address",), "residence": ("residence",), "dorm": ("dorm_room_id",)}


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet row number
    column: str  # the header as written in the file (or our title if the column is absent)
    value: str  # the cell, masked when it is a document or phone number
    reason: str
    message: str


@dataclass
class PlannedRow:
    row: int
    number: str
    values: dict  # model field -> value to store (document number in plain text: memory only)
    document: str
    hashes: list[str] = field(default_factory=list)  # the document's keyed hashes
    action: str = "new"  # new | updated | unchanged
    person_id: int | None = None
    changed: list[str] = field(default_factory=list)
    moved: tuple[str, str] | None = None  # (class before, class after)
    sealed: tuple[bytes, str] | None = None  # (ciphertext, masked), made by a forked child


@dataclass
class Plan:
    school: School
    kind: str
    table: Table
    columns: Columns
    rows: list[PlannedRow] = field(default_factory=list)  # the valid rows
    errors: list[RowError] = field(default_factory=list)
    file_name: str = ""
    sha256: str = ""
    record: RosterImport | None = None  # the dry run's entry in the import history
    progress: object = None  # told how many new people were written, now and then
    # Rows not yet read: roster_plan(compare=False) on PostgreSQL leaves them to
    # roster_apply, which checks them while it writes (see _check_and_create).
    unchecked: bool = False
    check_progress: object = None  # told how many rows were read, for an unchecked plan
    timings: dict = field(default_factory=dict)  # seconds spent in each step of the apply

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    # For templates, which cannot pass arguments.
    new_count = property(lambda self: self.count("new"))
    updated_count = property(lambda self: self.count("updated"))
    unchanged_count = property(lambda self: self.count("unchanged"))


@dataclass
class ImportResult:
    record: RosterImport
    new: int
    updated: int
    unchanged: int
    rejected: int


# Scope ---------------------------------------------------------------------------------


@dataclass
class Scope:
    classes: set[int]  # classes the actor may import students into
    units: set[int]  # units the actor may import staff into (none for a class teacher)


def _scope(actor, school: School, kind: str) -> Scope:
    """404 unless the actor may import into this school at all."""
    if not School.objects.restrict(actor, PERM).filter(pk=school.pk).exists():
        raise Http404
    classes = set(
        SchoolClass.objects.restrict(actor, PERM).filter(school=school).values_list("pk", flat=True)
    )
    # Staff sit in units; a grant on a class does not reach them (as for person_create).
    grants = [g for g in grants_for(actor) if PERM in g.permissions and g.level != "klass"]
    units = set()
    if grants:
        wide = Q(pk__in=[])
        for grant in grants:
            wide |= grant_filter(Unit, grant)
        units = set(Unit.objects.filter(wide, school=school).values_list("pk", flat=True))
    if kind == PersonKind.STAFF and not units:
        raise Http404
    return Scope(classes, units)


# Reading a row -------------------------------------------------------------------------


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
    classes = {_key(c.name): c for c in SchoolClass.objects.filter(school=school)
               .select_related("unit")}
    units = {_key(u.name): u for u in Unit.objects.filter(school=school)}
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
        row.fail(name, reason, message)
    return item


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
    klass = unit = None
    if kind == PersonKind.STUDENT:
        klass = _lookup(row, "klass", known.classes, "unknown_class", UNKNOWN_CLASS)
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
    if row.errors:
        return None
    values = {"number": number, "name": name, "sex": sex, "birth_date": birth_date,
              "doc_type": document[0], "doc_hash": row.hashes[0], "phone": phone,
              "residence_region_id": region, "address": address, "unit_id": unit and unit.pk,
              "klass_id": klass and klass.pk, "residence": residence,
              "dorm_room_id": room and room.pk}
    return PlannedRow(row.number, number, values, document[1], row.hashes)


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


# The plan ------------------------------------------------------------------------------


def roster_plan(*, actor, school: School, kind: str, table: Table, file_name: str = "",
                sha256: str = "", progress=None, compare: bool = True) -> Plan:
    """Every row checked and classified (new, updated, unchanged) against the school's
    people; nothing written. Http404 unless the actor may import into the school.
    `progress(done)` is told how many rows were read, now and then. Without `compare`
    the plan is for applying at once (roster_apply compares the rows with the people as
    they are then); on PostgreSQL its rows are not even read yet (`unchecked`):
    roster_apply checks them while it writes the new people, and writes nothing if any
    row is wrong, unless only the valid rows are asked for."""
    if kind not in PersonKind.values:
        raise RosterError("bad_kind", _("Choose students or staff."))
    scope = _scope(actor, school, kind)
    plan = Plan(school, kind, table, match_columns(kind, table.headers), file_name=file_name,
                sha256=sha256)
    if not compare and connection.vendor == "postgresql":
        plan.unchecked, plan.check_progress = True, progress
        return plan
    known = _load_school(school)
    with gc_paused():
        _check_rows(plan, known, progress)
        if compare:
            _check_against_school(plan, scope, known)
    return plan


def _check_rows(plan: Plan, known: _School, progress=None) -> None:
    """Every row read and checked on its own, then the file's duplicates."""
    today = timezone.localdate()
    if len(plan.table.rows) >= PARALLEL_ROWS and may_fork():
        _read_rows_on_two_cores(plan, known, today, progress)
    else:
        _read_rows(plan, plan.table.rows, known, today, progress)
    _check_duplicates_in_file(plan)
    plan.unchecked = False


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


def _read_rows_on_two_cores(plan: Plan, known: _School, today: date, progress) -> None:
    """A large file's rows are checked (normalised, validated, hashed) half here and half
    in a forked child, which sends its planned rows and errors back pickled. The child
    never queries the database: the file's regions are resolved first, here."""
    _resolve_regions(plan, known)
    # The child also pickles its rows and the parent unpickles them: a little less for it.
    half = int(len(plan.table.rows) * PARENT_SHARE)
    child = _Child(plan, plan.table.rows[half:], known, today)
    with child:
        _read_rows(plan, plan.table.rows[:half], known, today, progress, scale=2)
        rows, errors = child.result()
    plan.rows += rows
    plan.errors += errors


class _Child:
    """Rows checked in a forked child, which sends back its planned rows and errors in
    pickled chunks (CHILD_CHUNK rows each, then None), so the parent may use the first
    ones while the child checks the rest. With `seal`, the child also encrypts and masks
    the documents of the rows that `seal(planned)` names (PlannedRow.sealed). A context
    manager: leaving it before the last chunk kills the child (it may be blocked writing
    to a pipe nobody reads); a child that failed is an error."""

    def __init__(self, plan: Plan, rows: list, known: _School, today: date, seal=None):
        reader, writer = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: check its rows, send them, leave without clean-up
            code = 1
            try:
                os.close(reader)
                for db in connections.all(initialized_only=True):
                    db.connection = None  # the parent's session is never written to from here
                if seal is not None:
                    # While it checks, the server writes what the parent sends: the server
                    # is the slowest step of an import, so it goes first for a core.
                    os.nice(CHILD_NICE)
                with os.fdopen(writer, "wb") as out:
                    for start in range(0, len(rows), CHILD_CHUNK):
                        part = Plan(plan.school, plan.kind, plan.table, plan.columns)
                        _read_rows(part, rows[start:start + CHILD_CHUNK], known, today)
                        if seal is not None:
                            for planned in part.rows:
                                if seal(planned):
                                    planned.sealed = _sealed(planned.document)
                        _send(out, ([_flat(p) for p in part.rows], part.errors,
                                    len(rows[start:start + CHILD_CHUNK])))
                    _send(out, None)
                code = 0
            finally:
                os._exit(code)
        os.close(writer)
        self.incoming, self.done = os.fdopen(reader, "rb", buffering=0), False

    def ready(self) -> bool:
        """A chunk (or the end) is waiting to be read."""
        return not self.done and bool(select.select([self.incoming], [], [], 0)[0])

    def chunk(self) -> tuple[list[PlannedRow], list[RowError], int] | None:
        """The next chunk (rows, errors, rows read), waiting for it; None at the end."""
        if self.done:
            return None
        size = int.from_bytes(_read_exactly(self.incoming, 8), "big")
        found = pickle.loads(_read_exactly(self.incoming, size))  # noqa: S301 - our child's
        self.done = found is None
        if found is None:
            return None
        rows, errors, read = found
        return [PlannedRow(r, values["number"], values, document, hashes, sealed=sealed)
                for r, values, document, hashes, sealed in rows], errors, read

    def result(self) -> tuple[list[PlannedRow], list[RowError]]:
        rows, errors = [], []
        while (found := self.chunk()) is not None:
            rows += found[0]
            errors += found[1]
        return rows, errors

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        if not self.done:
            os.kill(self.pid, signal.SIGKILL)
        self.incoming.close()
        _pid, status = os.waitpid(self.pid, 0)
        if status != 0 and exc_info[0] is None:
            raise RuntimeError("the row check's second process failed")


def _flat(planned: PlannedRow) -> tuple:
    """A checked row as the child sends it: plain tuples pickle in half the time of a
    dataclass, and are read back in a third of it."""
    return planned.row, planned.values, planned.document, planned.hashes, planned.sealed


def _send(out, item) -> None:
    data = pickle.dumps(item, pickle.HIGHEST_PROTOCOL)
    out.write(len(data).to_bytes(8, "big"))
    out.write(data)
    out.flush()


def _read_exactly(incoming, size: int) -> bytes:
    data = bytearray(size)
    view, got = memoryview(data), 0
    while got < size:
        n = incoming.readinto(view[got:])
        if not n:
            raise RuntimeError("the row check's second process stopped")
        got += n
    return bytes(data)


def _resolve_regions(plan: Plan, known: _School) -> None:
    """Every region named in the file, looked up once (so the forked child need not)."""
    index = plan.columns.positions.get("residence_region")
    if index is None:
        return
    names = {clean_text(row.cells[index]) for row in plan.table.rows} - {""}
    for text in names:
        try:
            known.regions[text] = region_resolve(text, field="residence_region")
        except ValidationFailed as exc:
            known.regions[text] = exc.errors


def _check_against_school(plan: Plan, scope: Scope, known: _School, people=None) -> None:
    """What depends on the stored people: documents held by others, new or updated or
    unchanged, scope and beds. Run again when the plan is applied. `people`: the school's
    people as _school_people read them (read now if not given)."""
    for planned in plan.rows:
        planned.action, planned.person_id, planned.changed, planned.moved = "new", None, [], None
    existing = _compare(plan, {c.pk: c.name for c in known.classes.values()},
                        people or _school_people(plan))
    _check_scope(plan, scope, existing)
    _check_rooms(plan, known, existing)
    plan.errors.sort(key=lambda e: (e.row, e.column))


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _reject(plan: Plan, rows: set[int], errors: list[RowError]) -> None:
    plan.errors += errors
    plan.rows = [r for r in plan.rows if r.row not in rows]


def _error(plan: Plan, planned: PlannedRow, name: str, reason: str, message: str, value: str):
    column = plan.columns.titles.get(name) or str(TITLES[name])
    if name in SENSITIVE:
        value = SENSITIVE[name](value)
    return RowError(planned.row, column, value, reason, str(message))


def _check_duplicates_in_file(plan: Plan) -> None:
    """The same person twice (same number, or the same document in either ID form): every
    one of the rows is an error, since the file does not say which is right."""
    by_number, by_document = {}, {}
    for planned in plan.rows:
        by_number.setdefault(planned.number, []).append(planned)
        for h in planned.hashes:
            by_document.setdefault(h, []).append(planned)
    errors, bad = [], set()
    for name, groups in (("number", by_number), ("doc_number", by_document)):
        for group in groups.values():
            if len(group) < 2:
                continue
            rows = ", ".join(str(p.row) for p in group)
            for planned in group:
                if (planned.row, name) in bad:
                    continue
                bad.add((planned.row, name))
                value = planned.number if name == "number" else planned.document
                errors.append(_error(
                    plan, planned, name, "duplicate_in_file",
                    _("The same person appears more than once in this file (rows %(rows)s).")
                    % {"rows": rows}, value))
    _reject(plan, {row for row, _name in bad}, errors)


def _school_people(plan: Plan) -> tuple[dict[str, Person], dict[str, tuple[str, str]]]:
    """The school's people the file may name, in two queries: by number (of the plan's
    kind), and the owner (kind, number) of each document hash."""
    existing, owners = {}, {}
    in_school = Person.objects.filter(school=plan.school)
    if plan.unchecked or len(plan.rows) > BATCH:  # one scan of the school (or rows unknown)
        people = [in_school.filter(kind=plan.kind)]
        found = [in_school]
    else:
        people = [in_school.filter(kind=plan.kind, number__in=[r.number for r in plan.rows])]
        found = [in_school.filter(doc_hash__in=[h for r in plan.rows for h in r.hashes])]
    for query in people:
        existing.update((p.number, p) for p in query.select_related("klass"))
    for query in found:
        owners.update((h, (k, n)) for h, k, n in query.values_list("doc_hash", "kind", "number"))
    return existing, owners


def _compare(plan: Plan, names: dict[int, str], people) -> dict[str, Person]:
    """Classify the valid rows against the school's people."""
    existing, owners = people
    errors, bad = [], set()
    for planned in plan.rows:
        owner = next((owners[h] for h in planned.hashes if h in owners), None)
        if owner is not None and owner != (plan.kind, planned.number):
            bad.add(planned.row)
            errors.append(_error(
                plan, planned, "doc_number", "duplicate_document",
                _("This document is already registered in this school under another number."),
                planned.document))
            continue
        person = existing.get(planned.number)
        if person is not None:
            _classify(plan, planned, person, names)
    _reject(plan, bad, errors)
    return existing


def _classify(plan: Plan, planned: PlannedRow, person: Person, names: dict[int, str]) -> None:
    planned.person_id = person.pk
    given = {f for name, fields in SETS.items() if name in plan.columns.positions
             for f in fields}
    for name in COMPARED:
        if any(name in fields for fields in SETS.values()) and name not in given:
            planned.values[name] = getattr(person, name)  # no column: keep what is stored
            continue
        if getattr(person, name) != planned.values[name]:
            planned.changed.append("doc_number" if name == "doc_hash" else name)
    if not person.active:
        planned.changed.append("active")
    planned.action = "updated" if planned.changed else "unchanged"
    if "klass_id" in planned.changed:
        before = person.klass.name if person.klass_id else "-"
        planned.moved = (before, names.get(planned.values["klass_id"], "-"))


def _check_scope(plan: Plan, scope: Scope, existing: dict[str, Person]) -> None:
    """A row the actor may not write (another class, or moving someone out of another
    teacher's class) is an error on its class or unit column."""
    errors, bad = [], set()
    for planned in plan.rows:
        person = existing.get(planned.number)
        if plan.kind == PersonKind.STUDENT:
            name, allowed = "klass", scope.classes
            targets = {planned.values["klass_id"], person and person.klass_id} - {None}
        else:
            name, allowed = "unit", scope.units
            targets = {planned.values["unit_id"], person and person.unit_id} - {None}
        if targets - allowed:
            bad.add(planned.row)
            value = clean_text(plan.columns.value(_cells(plan, planned.row), name))
            errors.append(_error(plan, planned, name, "out_of_scope",
                                 _("You may not import people into this class or unit."), value))
    _reject(plan, bad, errors)


def _cells(plan: Plan, row: int) -> list:
    return next(r.cells for r in plan.table.rows if r.number == row)


def _check_rooms(plan: Plan, known: _School, existing: dict[str, Person]) -> None:
    """Beds: the people already in a room who stay there, plus those the file puts in it.
    No query: the people the file lists are among `existing` (_school_people)."""
    rooms = {room.pk: room for room in known.rooms.values()}
    listed = {p.person_id for p in plan.rows if p.person_id is not None}
    taken = dict(known.occupancy)
    for person in existing.values():
        if person.pk in listed and person.dorm_room_id is not None and person.active:
            taken[person.dorm_room_id] -= 1  # counted again below if the file keeps them there
    errors, bad = [], set()
    for planned in plan.rows:
        room = planned.values["dorm_room_id"]
        if room is None:
            continue
        taken[room] = taken.get(room, 0) + 1
        if taken[room] > rooms[room].beds:
            bad.add(planned.row)
            value = clean_text(plan.columns.value(_cells(plan, planned.row), "dorm"))
            errors.append(_error(plan, planned, "dorm", "room_full",
                                 _("Every bed in this room is taken."), value))
    _reject(plan, bad, errors)


# Recording and applying ---------------------------------------------------------------


def _outcome(plan: Plan, *, counts=None) -> dict:
    """What a check or an import found, as the import history keeps it."""
    new, updated, unchanged = counts or (plan.count("new"), plan.count("updated"),
                                         plan.count("unchanged"))
    preview = [{"row": r.row, "number": r.number, "name": r.values["name"], "action": r.action,
                "changed": r.changed, "moved": list(r.moved) if r.moved else None}
               for r in plan.rows[:PREVIEW_ROWS]]
    return {"new": new, "updated": updated, "unchanged": unchanged,
            "rejected": len(plan.rejected_rows), "rows": len(plan.table.rows),
            "errors": [e.__dict__ for e in plan.errors], "ignored_columns": plan.columns.ignored,
            "preview": preview}


def _record(plan: Plan, *, actor, status: str) -> RosterImport:
    return RosterImport.objects.create(
        school=plan.school, kind=plan.kind, user=actor, file_name=plan.file_name[:255],
        sha256=plan.sha256, status=status, **_outcome(plan),
    )


def _refusal(exc: RosterError) -> list[dict]:
    return [{"row": None, "column": "", "value": "", "reason": exc.reason,
             "message": exc.message}]


def roster_check(*, actor, school: School, kind: str, name: str, data: bytes) -> Plan:
    """Read and plan an uploaded file (a dry run), recorded in the import history. A file
    that cannot be read raises RosterError (recorded as refused). Planning writes nothing,
    so the record is the only write and needs no wider transaction."""
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        table = read_table(name, data)
        plan = roster_plan(actor=actor, school=school, kind=kind, table=table, file_name=name,
                           sha256=sha256)
    except RosterError as exc:
        _scope(actor, school, kind)  # an outsider learns nothing, not even that it failed
        RosterImport.objects.create(
            school=school, kind=kind, user=actor, file_name=name[:255], sha256=sha256,
            status=ImportStatus.REFUSED, size=len(data), errors=_refusal(exc),
            failure=exc.message,
        )
        raise
    plan.record = _record(plan, actor=actor, status=ImportStatus.CHECKED)
    return plan


@transaction.atomic
def roster_apply(*, actor, plan: Plan, valid_only: bool = False) -> ImportResult:
    """Write the plan in one transaction. The rows are checked again against the people as
    they are now, so applying twice (or the same file twice) changes nothing the second
    time. With errors, nothing is written unless `valid_only`. The rows themselves are not
    read again: only what depends on the stored people is checked again. The check's
    record becomes the import's: claimed first, so a plan is applied once whoever repeats
    the request."""
    if plan.record is not None and not _claim(plan.record, ImportStatus.APPLIED):
        done = RosterImport.objects.get(pk=plan.record.pk)
        return ImportResult(done, done.new, done.updated, done.unchanged, done.rejected)
    scope, known = _scope(actor, plan.school, plan.kind), _load_school(plan.school)
    streamed = plan.unchecked and not valid_only
    if not streamed:
        if plan.unchecked:
            with gc_paused():
                _check_rows(plan, known, plan.check_progress)
        _check_against_school(plan, scope, known)
        if plan.errors and not valid_only:
            raise _has_errors(plan)
    try:
        with transaction.atomic(), gc_paused():  # a savepoint: a lost race is bad input
            if streamed:
                _check_and_create(actor, plan, scope, known)  # RosterError if a row is wrong
            else:
                _create(actor, plan)
            started = time.perf_counter()
            _update(actor, plan)
            plan.timings["update"] = time.perf_counter() - started
    except (IntegrityError, psycopg.IntegrityError):  # COPY raises psycopg's own
        raise RosterError(
            "conflict",
            _("Someone changed these people while the file was imported: check it again."),
        ) from None
    fields = {**_outcome(plan), "status": ImportStatus.APPLIED, "valid_only": valid_only,
              "applied_by": actor, "applied_at": timezone.now(), "failure": ""}
    if plan.record is None:
        record = _record(plan, actor=actor, status=ImportStatus.APPLIED)
        RosterImport.objects.filter(pk=record.pk).update(**fields)
    else:
        RosterImport.objects.filter(pk=plan.record.pk).update(**fields)
    record = RosterImport.objects.get(pk=(plan.record or record).pk)
    return ImportResult(record, record.new, record.updated, record.unchanged, record.rejected)


def _has_errors(plan: Plan) -> RosterError:
    return RosterError(
        "has_errors",
        _("%(count)d rows have errors: fix them, or import only the valid rows.")
        % {"count": len(plan.rejected_rows)},
    )


def _claim(record: RosterImport, target: str) -> bool:
    """Lock the import's row unless it already reached `target`: a conditional UPDATE, so
    a second worker (or a repeated request) waits for the first and then finds it done."""
    return bool(RosterImport.objects.filter(pk=record.pk).exclude(status=target)
                .update(status=F("status")))


# Imports from a stored upload (pages; the worker for large files) ----------------------


def roster_upload(*, actor, school: School, kind: str, name: str, data: bytes) -> RosterImport:
    """Keep an uploaded file (encrypted) for its check, recorded as queued. A file refused
    on sight (type, size, empty) is recorded as refused and raises RosterError."""
    if kind not in PersonKind.values:
        raise RosterError("bad_kind", _("Choose students or staff."))
    _scope(actor, school, kind)
    record = RosterImport.objects.create(
        school=school, kind=kind, user=actor, file_name=name[:255],
        sha256=hashlib.sha256(data).hexdigest(), status=ImportStatus.QUEUED, size=len(data),
    )
    try:
        check_upload(name, data)
    except RosterError as exc:
        RosterImport.objects.filter(pk=record.pk).update(
            status=ImportStatus.REFUSED, errors=_refusal(exc), failure=exc.message)
        raise
    record.stored_name = upload_store(record.pk, data)
    RosterImport.objects.filter(pk=record.pk).update(stored_name=record.stored_name)
    _run_or_enqueue("check_import", record)
    return record


def _run_or_enqueue(task_name: str, record: RosterImport) -> None:
    """A small file is handled during the request; a large one by the worker, once the
    record it needs is committed."""
    from apps.rosters import tasks

    task = getattr(tasks, task_name)
    if record.size <= settings.ROSTER_SYNC_MAX_BYTES:
        task.call(record.pk)
    else:
        transaction.on_commit(partial(task.enqueue, record.pk))


def _table_from(record: RosterImport, key: str) -> Table:
    Progress(key, "read", record.size)
    return read_table(record.file_name, upload_load(record.pk, record.stored_name))


def roster_check_stored(*, import_id: int) -> RosterImport | None:
    """The check (dry run) of a stored upload: counts, errors and preview on its record.
    Run once: a repeated call finds it checked and does nothing."""
    key = f"import-{import_id}"
    with transaction.atomic():
        if not RosterImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
                status=F("status")):
            return None
        record = RosterImport.objects.select_related("school", "user").get(pk=import_id)
        try:
            with gc_paused():  # from reading to the end: one pause, no collection between
                table = _table_from(record, key)
                progress = Progress(key, "check", len(table.rows))
                plan = roster_plan(actor=record.user, school=record.school, kind=record.kind,
                                   table=table, file_name=record.file_name,
                                   progress=progress.step)
        except (RosterError, FileNotFoundError, Http404) as exc:
            _fail(record, exc, ImportStatus.REFUSED)
            return record
        RosterImport.objects.filter(pk=import_id).update(status=ImportStatus.CHECKED,
                                                         **_outcome(plan))
    progress_clear(key)
    return RosterImport.objects.get(pk=import_id)


def _fail(record: RosterImport, exc: Exception, status: str) -> None:
    if isinstance(exc, RosterError):
        reason, message = exc.reason, exc.message
    elif isinstance(exc, FileNotFoundError):
        reason, message = "expired", str(EXPIRED)
    else:
        reason, message = "out_of_scope", str(NOT_ALLOWED)
    fields = {"status": status, "failure": message}
    if status == ImportStatus.REFUSED:
        fields["errors"] = _refusal(RosterError(reason, message))
    RosterImport.objects.filter(pk=record.pk).update(**fields)
    upload_delete(record.stored_name)
    RosterImport.objects.filter(pk=record.pk).update(stored_name="")
    progress_clear(f"import-{record.pk}")


def roster_apply_request(*, actor, import_id: int, valid_only: bool = False) -> RosterImport:
    """Ask for a checked upload to be imported (now if small, else by the worker). Asking
    twice imports once: only a checked import moves on, by a conditional UPDATE."""
    record = RosterImport.objects.restrict(actor, PERM).filter(pk=import_id).first()
    if record is None:
        raise Http404
    _scope(actor, record.school, record.kind)
    if record.status in (ImportStatus.APPLYING, ImportStatus.APPLIED):
        return record
    if record.status != ImportStatus.CHECKED or not record.stored_name:
        raise RosterError("not_checked", _("Upload the file and check it again."))
    if record.rejected and not valid_only:
        raise RosterError(
            "has_errors",
            _("%(count)d rows have errors: fix them, or import only the valid rows.")
            % {"count": record.rejected},
        )
    moved = RosterImport.objects.filter(pk=import_id, status=ImportStatus.CHECKED).update(
        status=ImportStatus.APPLYING, applied_by=actor, valid_only=valid_only,
        applied_at=timezone.now())  # when it was asked for, until it is done
    record.refresh_from_db()
    if moved:
        _run_or_enqueue("apply_import", record)
        record.refresh_from_db()
    return record


def roster_apply_stored(*, import_id: int) -> RosterImport | None:
    """The import of a stored upload, all in one transaction with its record: read, check,
    encrypt, hash, write. Exactly once: the record is claimed by a conditional UPDATE in
    the same transaction, so a duplicate waits, then finds it applied; if the worker dies
    the transaction rolls back whole and the import is still waiting, to be run again."""
    key = f"import-{import_id}"
    with transaction.atomic():
        if not RosterImport.objects.filter(pk=import_id, status=ImportStatus.APPLYING).update(
                status=F("status")):
            return None
        record = RosterImport.objects.select_related("school", "applied_by").get(pk=import_id)
        actor = record.applied_by
        try:
            with gc_paused():  # from reading to writing: one pause, no collection between
                table = _table_from(record, key)
                rows = len(table.rows)  # checked, then written: two steps per row
                progress = Progress(key, "apply", 2 * rows)
                plan = roster_plan(actor=actor, school=record.school, kind=record.kind,
                                   table=table, file_name=record.file_name,
                                   sha256=record.sha256, progress=progress.step, compare=False)
                plan.record = record
                plan.progress = lambda written: progress.step(rows + written)
                progress.write(rows)
                roster_apply(actor=actor, plan=plan, valid_only=record.valid_only)
        except (RosterError, FileNotFoundError, Http404) as exc:
            _fail(record, exc, ImportStatus.FAILED)
            return RosterImport.objects.get(pk=import_id)
        name = record.stored_name
        RosterImport.objects.filter(pk=import_id).update(stored_name="")
        transaction.on_commit(partial(upload_delete, name))
    progress_clear(key)
    return RosterImport.objects.get(pk=import_id)


def roster_stored_plan(record: RosterImport) -> Plan | None:
    """The checked file with its errors, for the rows-to-fix workbook, while it is kept."""
    if not record.stored_name:
        return None
    try:
        table = read_table(record.file_name, upload_load(record.pk, record.stored_name))
        columns = match_columns(record.kind, table.headers)
    except (FileNotFoundError, RosterError):
        return None
    errors = [RowError(**e) for e in record.errors if e.get("row") is not None]
    return Plan(record.school, record.kind, table, columns, errors=errors)


def roster_pending_resume(*, older_than_seconds: int = 600) -> int:
    """Queue again the imports still waiting long after they were asked for (a worker that
    died, a queue that was lost): the claim makes a second run harmless."""
    from apps.rosters import tasks

    before = timezone.now() - timedelta(seconds=older_than_seconds)
    stale = RosterImport.objects.filter(
        Q(status=ImportStatus.QUEUED, created_at__lt=before)
        | Q(status=ImportStatus.APPLYING, applied_at__lt=before))
    count = 0
    for import_id, status in stale.values_list("pk", "status"):
        task = tasks.check_import if status == ImportStatus.QUEUED else tasks.apply_import
        transaction.on_commit(partial(task.enqueue, import_id))
        count += 1
    return count


def roster_files_prune() -> int:
    """Forget uploads nobody imported and exports nobody fetched, after the keeping time."""
    hours = settings.ROSTER_FILES_KEEP_HOURS
    before = timezone.now() - timedelta(hours=hours)
    expired = RosterImport.objects.filter(status=ImportStatus.CHECKED, created_at__lt=before)
    expired.exclude(stored_name="").update(stored_name="")
    waiting = set(RosterImport.objects.filter(status__in=IMPORT_PENDING)
                  .exclude(stored_name="").values_list("stored_name", flat=True))
    waiting |= set(RosterImport.objects.filter(status=ImportStatus.CHECKED)
                   .exclude(stored_name="").values_list("stored_name", flat=True))
    return files_prune(older_than_seconds=hours * 3600, keep=waiting)


def _document_fields(planned: PlannedRow) -> dict:
    return {"doc_cipher": encrypt_text(planned.document), "doc_hash": planned.values["doc_hash"],
            "doc_masked": mask_document(planned.document)}


PERSON_COLUMNS = ("id", "school_id", "kind", "number", "name", "sex", "birth_date", "doc_type",
                  "doc_cipher", "doc_hash", "doc_masked", "phone", "residence_region_id",
                  "address", "unit_id", "klass_id", "residence", "dorm_room_id", "active")
HISTORY_COLUMNS = (*PERSON_COLUMNS, "history_date", "history_change_reason", "history_type",
                   "history_user_id")


def _create(actor, plan: Plan) -> None:
    """New people and their first historical record, written set-based (COPY on
    PostgreSQL) with ids reserved up front: no read back, no query per row. The people rows
    are made (encrypted, masked) while COPY sends them, so the server inserts and indexes
    one batch while Python prepares the next."""
    new = [planned for planned in plan.rows if planned.action == "new"]
    if not new:
        return
    started = time.perf_counter()
    # Every id before COPY starts: the connection runs no other query while it copies.
    ids = IdPool(Person).take_many(len(new))
    written = []

    def people():
        school_id, kind = plan.school.pk, plan.kind
        for done, (planned, person_id) in enumerate(zip(new, ids, strict=True)):
            if plan.progress is not None and not done % PROGRESS_ROWS:
                plan.progress(done)
            row = _person_row(planned, person_id, school_id, kind)
            written.append(row)
            yield row

    if connection.vendor == "postgresql":
        copy_rows(Person, PERSON_COLUMNS, people(), binary=True)
    else:
        write_rows(Person, PERSON_COLUMNS, people())
    plan.timings["people"] = time.perf_counter() - started
    _create_history(actor, plan, written)


def _create_history(actor, plan: Plan, written: list[tuple], now=None) -> None:
    """The first historical record of each new person (rows in PERSON_COLUMNS order)."""
    started, now, user_id = time.perf_counter(), now or timezone.now(), actor.pk
    history = ((*row, now, "created: roster import", "+", user_id) for row in written)
    if connection.vendor == "postgresql":
        copy_rows(Person.history.model, HISTORY_COLUMNS, history, binary=True)
    else:
        write_rows(Person.history.model, HISTORY_COLUMNS, history)
    plan.timings["history"] = plan.timings.get("history", 0) + time.perf_counter() - started


def _check_and_create(actor, plan: Plan, scope: Scope, known: _School) -> None:
    """An unchecked plan applied all or nothing (PostgreSQL): the new people are written
    while the file is still being checked, so the server inserts, indexes and checks the
    foreign keys of one chunk while Python checks the next rows (on both cores: a forked
    child checks part of the file and encrypts the documents of its rows that look new;
    a thread here sends the chunks, so waiting for the server stops nobody).

    A row is written only if, on what is known so far, it is new and right: not the
    number of one of the school's people nor a document of theirs, no number or document
    seen earlier in the file, in the actor's scope, and no row found wrong so far. Once
    every row is read, the whole plan is checked as roster_plan and
    _check_against_school always check it, against the school's people as they were
    before the first row was written; any error raises RosterError and the caller's
    savepoint takes back what was written. Without errors, the people written are
    exactly the rows found new (checked below).

    The foreign keys of the new people are checked at the end of each COPY (as at
    commit, only sooner), while Python reads the next rows."""
    started = time.perf_counter()
    _resolve_regions(plan, known)  # no query may run while the rows are checked
    people = _school_people(plan)
    existing, owners = people
    today, rows = timezone.localdate(), plan.table.rows
    allowed = scope.classes if plan.kind == PersonKind.STUDENT else scope.units
    target = "klass_id" if plan.kind == PersonKind.STUDENT else "unit_id"
    numbers, hashes, pending, sent = set(), set(), [], set()
    counts = {"checked": 0, "offered": 0}

    def offer(planned: PlannedRow) -> None:
        counts["offered"] += 1
        seen = planned.number in numbers or any(h in hashes for h in planned.hashes)
        numbers.add(planned.number)
        hashes.update(planned.hashes)
        if (seen or plan.errors or planned.number in existing
                or any(h in owners for h in planned.hashes)
                or planned.values[target] not in allowed):
            return  # not new, or wrong: said below, by the checks of the whole plan
        pending.append(planned)
        sent.add(planned.row)

    def send(at_least: int) -> None:
        if len(pending) >= max(at_least, 1) and not plan.errors:
            writer.put(pending[:])
            pending.clear()
        if plan.check_progress is not None:
            plan.check_progress(counts["checked"] + counts["offered"])

    def take(found) -> None:
        child_rows, child_errors, read = found
        plan.errors += child_errors
        plan.rows += child_rows
        counts["checked"] += read
        for planned in child_rows:
            offer(planned)

    parallel = len(rows) >= PARALLEL_ROWS and may_fork()
    half = int(len(rows) * STREAM_PARENT_SHARE) if parallel else len(rows)
    constraints = _person_foreign_keys()
    writer = _Writer(actor, plan, IdPool(Person))
    with ExitStack() as stack:
        # The child first: a process forked while a thread runs may inherit held locks.
        child = stack.enter_context(_Child(plan, rows[half:], known, today,
                                           seal=lambda p: p.number not in existing)) \
            if parallel else None
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {constraints} IMMEDIATE")
        stack.enter_context(writer)
        for start in range(0, half, STREAM_BLOCK):
            block = rows[start:min(start + STREAM_BLOCK, half)]
            _read_rows(plan, block, known, today, each=offer)
            counts["checked"] += len(block)
            while child is not None and child.ready() and (found := child.chunk()):
                take(found)
            send(STREAM_CHUNK)
        plan.timings["rows_here"] = time.perf_counter() - started
        while child is not None and (found := child.chunk()) is not None:
            take(found)
            send(STREAM_CHUNK)
        plan.timings["rows_child"] = time.perf_counter() - started
        send(1)
        # The whole plan checked while the server writes the last chunks: these checks
        # run no query (the session belongs to the writer thread until it is done).
        plan.unchecked = False
        _check_duplicates_in_file(plan)
        _check_against_school(plan, scope, known, people)
        plan.timings["checks"] = time.perf_counter() - started - plan.timings["rows_child"]
        if plan.errors:
            raise _has_errors(plan)  # the writer drops the chunks still waiting
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {constraints} DEFERRED")  # as Django declares them
    plan.timings["people"] = time.perf_counter() - started
    if {planned.row for planned in plan.rows if planned.action == "new"} != sent:
        raise RuntimeError("the rows written are not the rows found new")  # pragma: no cover


class _Writer:
    """A thread writing chunks of new people (and their first historical records) with
    COPY on this thread's database session, while this thread goes on checking rows.
    Django's connection object belongs to the thread that opened it, so the writer uses
    the psycopg connection under it; nothing else uses the session meanwhile. A context
    manager: leaving it waits for the chunks already given, and raises the writer's
    error (a lost race is an IntegrityError, as without the thread)."""

    def __init__(self, actor, plan: Plan, pool: IdPool):
        self.actor, self.plan, self.pool, self.now = actor, plan, pool, timezone.now()
        self.chunks: queue.SimpleQueue = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.dropped = False
        self.thread = threading.Thread(target=self._run, name="roster-copy", daemon=True)

    def __enter__(self):
        connection.ensure_connection()
        self.pg = connection.connection
        self.sequence = self.pool.sequence()
        self.thread.start()
        return self

    def put(self, chunk: list[PlannedRow]) -> None:
        self.chunks.put(chunk)

    def __exit__(self, *exc_info) -> None:
        if exc_info[0] is not None:
            self.dropped = True  # the caller failed: what is still waiting is not written
        self.chunks.put(None)
        self.thread.join()
        if self.error is not None and exc_info[0] is None:
            raise self.error

    def _run(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            if self.error is None and not self.dropped:
                try:
                    self._write(chunk)
                except BaseException as exc:  # noqa: BLE001 - raised again by __exit__
                    self.error = exc

    def _write(self, new: list[PlannedRow]) -> None:
        started, plan = time.perf_counter(), self.plan
        school_id, kind, people = plan.school.pk, plan.kind, []

        def rows(ids):  # made while COPY sends them: the server never waits for a whole chunk
            for planned, person_id in zip(new, ids, strict=True):
                v = planned.values
                cipher, masked = planned.sealed or _sealed(planned.document)
                planned.sealed = None
                row = (person_id, school_id, kind, v["number"], v["name"], v["sex"],
                       v["birth_date"], v["doc_type"], cipher, v["doc_hash"], masked, v["phone"],
                       v["residence_region_id"], v["address"], v["unit_id"], v["klass_id"],
                       v["residence"], v["dorm_room_id"], True)
                people.append(row)
                yield row

        with self.pg.cursor() as cursor:
            cursor.execute("SELECT array(SELECT nextval(%s::regclass) "
                           "FROM generate_series(1, %s))", [self.sequence, len(new)])
            copy_rows(Person, PERSON_COLUMNS, rows(cursor.fetchone()[0]), binary=True,
                      cursor=cursor)
            copied = time.perf_counter()
            user_id, now = self.actor.pk, self.now
            copy_rows(Person.history.model, HISTORY_COLUMNS,
                      ((*row, now, "created: roster import", "+", user_id) for row in people),
                      binary=True, cursor=cursor)
        timings = plan.timings
        timings["copy_people"] = timings.get("copy_people", 0) + copied - started
        timings["history"] = timings.get("history", 0) + time.perf_counter() - copied


def _person_foreign_keys() -> str:
    """The foreign keys of people_person, quoted, for SET CONSTRAINTS."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = "
                       "%s::regclass", [Person._meta.db_table])
        return ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())


def _sealed(document: str) -> tuple[bytes, str]:
    return encrypt_text(document), mask_document(document)


def _person_row(planned: PlannedRow, person_id: int, school_id: int, kind: str) -> tuple:
    """A new person in the order of PERSON_COLUMNS, document encrypted and masked."""
    v, document = planned.values, planned.document
    return (person_id, school_id, kind, v["number"], v["name"], v["sex"], v["birth_date"],
            v["doc_type"], encrypt_text(document), v["doc_hash"], mask_document(document),
            v["phone"], v["residence_region_id"], v["address"], v["unit_id"], v["klass_id"],
            v["residence"], v["dorm_room_id"], True)


def _update(actor, plan: Plan) -> None:
    rows = {r.person_id: r for r in plan.rows if r.action == "updated"}
    if not rows:
        return
    people, fields = [], set()
    for person in (p for ids in _chunks(list(rows))
                   for p in Person.objects.filter(school=plan.school, pk__in=ids)):
        planned = rows[person.pk]
        changed = [f for f in planned.changed if f != "doc_number"]
        for name in changed:
            setattr(person, name, True if name == "active" else planned.values[name])
        if "doc_number" in planned.changed:
            for name, value in _document_fields(planned).items():
                setattr(person, name, value)
            changed += ["doc_cipher", "doc_hash", "doc_masked"]
        fields.update(changed)
        reason = "updated: roster import: " + ", ".join(planned.changed)
        if planned.moved:
            reason = f"moved class: {planned.moved[0]} -> {planned.moved[1]}; {reason}"
        person._history_user, person._change_reason = actor, reason[:100]
        people.append(person)
    bulk_update_with_history(people, Person, sorted(fields), batch_size=1000, default_user=actor)
