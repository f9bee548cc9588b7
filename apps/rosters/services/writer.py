"""Writing the plan's people: new people and their first historical records set-based
(COPY on PostgreSQL, with ids reserved up front), updated people with bulk_update_with_history.

`_Writer` is the thread that COPYs the chunks of a streamed import (streamed.py) while the
thread that started it goes on checking rows. It is started only after the checking child
is forked (checker.py: never fork beside threads)."""

import queue
import threading
import time

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from apps.core.crypto import encrypt_text
from apps.core.db import IdPool, copy_rows, write_rows
from apps.core.identity import mask_document
from apps.people.models import Person
from apps.rosters.services.plans import PROGRESS_ROWS, Plan, PlannedRow, _chunks

PERSON_COLUMNS = ("id", "school_id", "kind", "number", "name", "sex", "birth_date", "doc_type",
                  "doc_cipher", "doc_hash", "doc_masked", "phone", "residence_region_id",
                  "address", "unit_id", "klass_id", "teaches_class_id", "residence", "dorm_room_id",
                  "active")
HISTORY_COLUMNS = (*PERSON_COLUMNS, "history_date", "history_change_reason", "history_type",
                   "history_user_id")


def _document_fields(planned: PlannedRow) -> dict:
    return {"doc_cipher": encrypt_text(planned.document), "doc_hash": planned.values["doc_hash"],
            "doc_masked": mask_document(planned.document)}


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
                row = _person_row(planned, person_id, school_id, kind)
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
    """A new person in the order of PERSON_COLUMNS, document encrypted and masked (by the
    forked child already when it sealed the row, PlannedRow.sealed, let go of here)."""
    v = planned.values
    cipher, masked = planned.sealed or _sealed(planned.document)
    planned.sealed = None
    return (person_id, school_id, kind, v["number"], v["name"], v["sex"], v["birth_date"],
            v["doc_type"], cipher, v["doc_hash"], masked, v["phone"], v["residence_region_id"],
            v["address"], v["unit_id"], v["klass_id"], v["teaches_class_id"], v["residence"],
            v["dorm_room_id"], True)


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
