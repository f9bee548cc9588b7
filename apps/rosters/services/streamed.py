"""An unchecked plan applied all or nothing on PostgreSQL: the rows are checked while the
new people are written.

Three things run at once: this thread checks its share of the rows, a forked child
(checker.py) checks the rest and encrypts the documents of its rows that look new, and a
writer thread (writer._Writer) COPYs the new people in chunks. Fork-safety: the child is
forked first, before the writer thread starts (a process forked beside a running thread
may inherit a lock held forever), and only where `reading.may_fork` allows it.
"""

import time
from contextlib import ExitStack
from datetime import date

from django.db import connection
from django.utils import timezone

from apps.core.db import IdPool
from apps.people.models import Person, PersonKind
from apps.rosters.services.checker import _Child
from apps.rosters.services.planning import (
    _check_against_school,
    _check_duplicates_in_file,
    _has_errors,
    _resolve_regions,
    _school_people,
    _two_cores,
)
from apps.rosters.services.plans import Plan, PlannedRow, Scope
from apps.rosters.services.rows import _read_rows, _School
from apps.rosters.services.writer import _person_foreign_keys, _Writer

# Of a large file's rows, checked in this process while the new people are written: this
# process also sends every new person to COPY, and the child encrypts its own rows'
# documents (planning.PARENT_SHARE is the share when nothing is written).
STREAM_PARENT_SHARE = 0.25
STREAM_BLOCK = 2_000  # rows checked here between two looks at the child's chunks
STREAM_CHUNK = 20_000  # new people per COPY (its foreign keys are checked at its end)


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
    today, rows = timezone.localdate(), plan.table.rows
    parallel = _two_cores(rows)
    half = int(len(rows) * STREAM_PARENT_SHARE) if parallel else len(rows)
    constraints = _person_foreign_keys()
    stream = _Stream(plan, scope, people, _Writer(actor, plan, IdPool(Person)))
    with ExitStack() as stack:
        # The child first: a process forked while a thread runs may inherit held locks.
        child = stack.enter_context(_Child(plan, rows[half:], known, today,
                                           seal=stream.looks_new)) if parallel else None
        _set_constraints(constraints, "IMMEDIATE")
        stack.enter_context(stream.writer)
        _check_here(stream, rows[:half], known, today, child)
        plan.timings["rows_here"] = time.perf_counter() - started
        _take_the_child_rest(stream, child)
        plan.timings["rows_child"] = time.perf_counter() - started
        stream.send(1)
        _check_whole_plan(plan, scope, known, people, started)
    _set_constraints(constraints, "DEFERRED")  # as Django declares them
    plan.timings["people"] = time.perf_counter() - started
    stream.verify()


class _Stream:
    """What the streamed check knows so far: the numbers and documents seen, the rows that
    look new waiting for the writer (`pending`) and those sent to it (`sent`)."""

    def __init__(self, plan: Plan, scope: Scope, people, writer: _Writer):
        self.plan, self.writer = plan, writer
        self.existing, self.owners = people
        student = plan.kind == PersonKind.STUDENT
        self.allowed = scope.classes if student else scope.units
        self.target = "klass_id" if student else "unit_id"
        self.numbers, self.hashes = set(), set()
        self.pending: list[PlannedRow] = []
        self.sent: set[int] = set()
        self.checked = self.offered = 0

    def looks_new(self, planned: PlannedRow) -> bool:
        """The child encrypts the documents of these rows (not one of the school's numbers)."""
        return planned.number not in self.existing

    def offer(self, planned: PlannedRow) -> None:
        """A valid row: kept for the writer if, on what is known so far, it is new and right."""
        self.offered += 1
        seen = planned.number in self.numbers or any(h in self.hashes for h in planned.hashes)
        self.numbers.add(planned.number)
        self.hashes.update(planned.hashes)
        if (seen or self.plan.errors or planned.number in self.existing
                or any(h in self.owners for h in planned.hashes)
                or planned.values[self.target] not in self.allowed):
            return  # not new, or wrong: said below, by the checks of the whole plan
        self.pending.append(planned)
        self.sent.add(planned.row)

    def send(self, at_least: int) -> None:
        """The rows waiting go to the writer once there are `at_least`, unless a row failed."""
        if len(self.pending) >= max(at_least, 1) and not self.plan.errors:
            self.writer.put(self.pending[:])
            self.pending.clear()
        if self.plan.check_progress is not None:
            self.plan.check_progress(self.checked + self.offered)

    def take(self, found) -> None:
        """A chunk of the child's rows: its errors and rows join the plan."""
        child_rows, child_errors, read = found
        self.plan.errors += child_errors
        self.plan.rows += child_rows
        self.checked += read
        for planned in child_rows:
            self.offer(planned)

    def verify(self) -> None:
        """Without errors, the people written are exactly the rows found new."""
        if {p.row for p in self.plan.rows if p.action == "new"} != self.sent:
            raise RuntimeError("the rows written are not the rows found new")  # pragma: no cover


def _check_here(stream: _Stream, rows: list, known: _School, today: date,
                child: _Child | None) -> None:
    """This process's share of the rows, a block at a time, taking the child's chunks as
    they come between two blocks."""
    for start in range(0, len(rows), STREAM_BLOCK):
        block = rows[start:start + STREAM_BLOCK]
        _read_rows(stream.plan, block, known, today, each=stream.offer)
        stream.checked += len(block)
        while child is not None and child.ready() and (found := child.chunk()):
            stream.take(found)
        stream.send(STREAM_CHUNK)


def _take_the_child_rest(stream: _Stream, child: _Child | None) -> None:
    while child is not None and (found := child.chunk()) is not None:
        stream.take(found)
        stream.send(STREAM_CHUNK)


def _check_whole_plan(plan: Plan, scope: Scope, known: _School, people, started: float) -> None:
    """The whole plan checked while the server writes the last chunks: these checks run no
    query (the session belongs to the writer thread until it is done)."""
    plan.unchecked = False
    _check_duplicates_in_file(plan)
    _check_against_school(plan, scope, known, people)
    plan.timings["checks"] = time.perf_counter() - started - plan.timings["rows_child"]
    if plan.errors:
        raise _has_errors(plan)  # the writer drops the chunks still waiting


def _set_constraints(constraints: str, when: str) -> None:
    """SET CONSTRAINTS on the people's foreign keys: IMMEDIATE while the chunks are written
    (each COPY's rows checked at its end), then DEFERRED again."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {constraints} {when}")
