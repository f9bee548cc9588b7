"""The plan of a roster import: every row checked (rows.py; on both cores for a large file,
checker.py), then the file's duplicates, then what depends on the school's stored people
(documents held by others, new or updated or unchanged, the actor's scope, beds), read in
bulk: the number of queries does not grow with the number of rows. Nothing is written."""

from datetime import date

from django.db import connection
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access.grants import grants_for
from apps.core.crypto import keyed_hashes
from apps.core.errors import ValidationFailed
from apps.core.scoping import grant_filter
from apps.orgs.models import School, SchoolClass, Unit
from apps.people.models import Person, PersonKind
from apps.regions.selectors import region_resolve
from apps.rosters.headers import TITLES, match_columns
from apps.rosters.normalize import clean_text
from apps.rosters.reading import RosterError, Table, gc_paused, may_fork
from apps.rosters.services.checker import _Child
from apps.rosters.services.places import places_allowed, places_missing, places_stand_in
from apps.rosters.services.plans import (
    BATCH,
    PERM,
    SENSITIVE,
    Plan,
    PlannedRow,
    RowError,
    Scope,
)
from apps.rosters.services.rows import _load_school, _read_rows, _School

PARALLEL_ROWS = 50_000  # from this many rows the row checks use both cores
PARENT_SHARE = 0.53  # of a large file's rows, checked in this process (the rest forked)
# What a roster row sets on a person, compared field by field with the stored person.
COMPARED = ("name", "sex", "birth_date", "doc_type", "doc_hash", "phone",
            "residence_region_id", "address", "unit_id", "klass_id", "teaches_class_id",
            "residence", "dorm_room_id")
# Roster field -> the stored fields it sets: a column absent from the file leaves them be
# (an empty cell in a column the file has clears it).
SETS = {"phone": ("phone",), "residence_region": ("residence_region_id",),
        "address": ("address",), "residence": ("residence",), "dorm": ("dorm_room_id",),
        "teaches_class": ("teaches_class_id",)}


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
    if kind == PersonKind.STAFF and not grants:
        raise Http404
    return Scope(classes, units)


def roster_plan(*, actor, school: School, kind: str, table: Table, file_name: str = "",
                sha256: str = "", progress=None, compare: bool = True,
                create_places: bool = False, rows_read=None) -> Plan:
    """Every row checked and classified (new, updated, unchanged) against the school's
    people; nothing written. Http404 unless the actor may import into the school.
    `progress(done)` is told how many rows were read, now and then. Without `compare`
    the plan is for applying at once (roster_apply compares the rows with the people as
    they are then); on PostgreSQL its rows are not even read yet (`unchecked`):
    roster_apply checks them while it writes the new people, and writes nothing if any
    row is wrong, unless only the valid rows are asked for. With `create_places` the
    classes and units the file names that the school lacks are listed (plan.places) and
    the rows checked as if they existed (places.py); roster_apply creates them.
    `rows_read(plan)` is called once the rows are read and checked on their own, before
    they are compared with the school's people (what an import may take again, jobs.py)."""
    if kind not in PersonKind.values:
        raise RosterError("bad_kind", _("Choose students or staff."))
    scope = _scope(actor, school, kind)
    if create_places:
        places_allowed(actor, school)
    plan = Plan(school, kind, table, match_columns(kind, table.headers), file_name=file_name,
                sha256=sha256, create_places=create_places)
    if not compare and connection.vendor == "postgresql":
        plan.unchecked, plan.check_progress = True, progress
        return plan
    known = _load_school(school)
    if create_places:
        plan.places = places_missing(plan, known)
        places_stand_in(plan, known, scope, plan.places)
    with gc_paused():
        _check_rows(plan, known, progress)
        if rows_read is not None:
            rows_read(plan)
        if compare:
            _check_against_school(plan, scope, known)
    return plan


def _check_rows(plan: Plan, known: _School, progress=None) -> None:
    """Every row read and checked on its own, then the file's duplicates."""
    today = timezone.localdate()
    if _two_cores(plan.table.rows):
        _read_rows_on_two_cores(plan, known, today, progress)
    else:
        _read_rows(plan, plan.table.rows, known, today, progress)
    if plan.places is not None:
        _place_errors(plan)
    _check_duplicates_in_file(plan)
    plan.unchecked = False


def _place_errors(plan: Plan) -> None:
    """A row naming a new class that cannot be made says why (no grade, two grades), not
    merely that the class is unknown."""
    rows = plan.places.rows
    plan.errors = [e for e in plan.errors
                   if not (e.row in rows and e.reason in ("unknown_class", "unknown_unit"))]
    plan.errors += plan.places.errors
    plan.rows = [r for r in plan.rows if r.row not in rows]


def _two_cores(rows: list) -> bool:
    """Whether rows this many are checked on both cores (a forked child), here and when
    they are streamed (streamed.py): only in a process that may fork."""
    return len(rows) >= PARALLEL_ROWS and may_fork()


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
        if getattr(person, name) != planned.values[name] and not (
                name == "doc_hash" and person.doc_hash in keyed_hashes(planned.document)):
            planned.changed.append("doc_number" if name == "doc_hash" else name)
    if not person.active:
        planned.changed.append("active")
    planned.action = "updated" if planned.changed else "unchanged"
    if "klass_id" in planned.changed:
        before = person.klass.name if person.klass_id else "-"
        planned.moved = (before, names.get(planned.values["klass_id"], "-"))


def _check_scope(plan: Plan, scope: Scope, existing: dict[str, Person]) -> None:
    """A row the actor may not write (another class, or moving someone out of another
    teacher's class; a staff member's unit, or the class they teach) is an error on its
    class or unit column."""
    errors, bad = [], set()
    for planned in plan.rows:
        person = existing.get(planned.number)
        if plan.kind == PersonKind.STUDENT:
            name, allowed = "klass", scope.classes
            targets = {planned.values["klass_id"], person and person.klass_id} - {None}
        else:
            name, allowed = "unit", scope.units
            targets = {planned.values["unit_id"], person and person.unit_id} - {None}
            taught = planned.values["teaches_class_id"]  # a class named anew is the actor's
            if (not targets - allowed and taught not in (None, person and person.teaches_class_id)
                    and taught not in scope.classes):
                name, allowed, targets = "teaches_class", scope.classes, {taught}
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


def _has_errors(plan: Plan) -> RosterError:
    return RosterError(
        "has_errors",
        _("%(count)d rows have errors: fix them, or import only the valid rows.")
        % {"count": len(plan.rejected_rows)},
    )
