"""Hand-written SQL for the few statements every request runs (token, grants, one person,
one row), planned once per connection.

A check-in or a gate scan spends more time in Django's query compiler and in PostgreSQL's
planner than in the work itself: the grants UNION plans in 0.6 ms and runs in 0.1 ms. On
PostgreSQL `prepared_cursor` is a server-binding psycopg cursor, so psycopg prepares a
statement after its fifth use on a connection (`prepare_threshold`) and later uses skip
the planner. Django's client-binding cursors never prepare. The cursor is still wrapped by
Django (errors mapped to django.db exceptions, queries captured in tests and debug).

`model_columns` and `model_from_row` turn selected columns back into a model instance with
the same converters the ORM applies (SQLite returns datetimes as text, JSON as text).
`insert_new` writes rows in one statement, skipping what a unique constraint holds already.
`Grouped` lets concurrent callers share one write and its commit (group commit).
`copy_rows` sends many rows to a table with COPY (PostgreSQL), for every set-based writer.
"""

import json
import re
import threading
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from functools import cache

from django.db import connection, models
from django.db.models.expressions import Col, RawSQL


@contextmanager
def prepared_cursor():
    connection.ensure_connection()
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    # _prepare_cursor: Django's own wrapping (thread check, debug capture, error mapping).
    cursor = connection._prepare_cursor(psycopg.Cursor(connection.connection))
    try:
        yield _Replanning(cursor)
    finally:
        cursor.close()


class _Replanning:
    """A prepared statement whose tables changed under it (a migration while this process
    ran) fails with "cached plan must not change result type"; so does one the server
    forgot. Outside a transaction the statement is prepared again, once; inside one the
    error has aborted the transaction, so it is the caller's."""

    def __init__(self, cursor):
        self._cursor = cursor

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def execute(self, sql, params=None):
        from django.db import DatabaseError

        try:
            return self._cursor.execute(sql, params)
        except DatabaseError as failed:
            if connection.in_atomic_block or not _plan_lost(failed):
                raise
            connection.connection._prepared.clear()  # psycopg's names of what it prepared
            self._cursor.execute("DEALLOCATE ALL")
            return self._cursor.execute(sql, params)


def _plan_lost(error) -> bool:
    state = getattr(error.__cause__, "sqlstate", "")
    # 26000: no such prepared statement; 0A000: cached plan must not change result type.
    return state in ("26000", "0A000")


def model_columns(model, alias: str, names: tuple[str, ...] | None = None) -> str:
    """`alias.column, …` for the model's concrete fields (or the named ones), in order."""
    return ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}"
                     for f in _fields(model, names))


def model_from_row(model, values, names: tuple[str, ...] | None = None):
    """An instance from values selected by `model_columns(model, alias, names)`."""
    attnames, converting = _reading(model, names, connection.vendor)
    values = list(values)
    for index, column, converters in converting:
        for convert in converters:
            values[index] = convert(values[index], column, connection)
    return model.from_db(connection.alias, attnames, [values[i] for i in _order(model, names)])


@cache
def _reading(model, names, vendor: str):
    """The attnames in the model's field order (from_db reads a partial row in that order,
    whatever order was selected), and the converters of the fields that have any."""
    fields = _fields(model, names)
    converting = []
    for index, field in enumerate(fields):
        column = Col(model._meta.db_table, field)
        converters = (connection.ops.get_db_converters(column)
                      + column.get_db_converters(connection))
        if converters:
            converting.append((index, column, tuple(converters)))
    ordered = [fields[i].attname for i in _order(model, names)]
    return ordered, tuple(converting)


@cache
def _order(model, names) -> tuple[int, ...]:
    position = {f.attname: n for n, f in enumerate(model._meta.concrete_fields)}
    fields = _fields(model, names)
    return tuple(sorted(range(len(fields)), key=lambda i: position[fields[i].attname]))


@cache
def _fields(model, names):
    concrete = model._meta.concrete_fields
    if names is None:
        return tuple(concrete)
    by_name = {f.name: f for f in concrete} | {f.attname: f for f in concrete}
    return tuple(by_name[n] for n in names)


def insert_new(objs: list, key: tuple[str, ...]) -> list:
    """INSERT the instances in one prepared statement, skipping any that a unique constraint
    already holds (ON CONFLICT DO NOTHING): each instance's new primary key, or None where
    it was skipped. `key` names fields unique together, to match rows to instances (a key
    repeated in `objs` is written once, for its first instance)."""
    if not objs:
        return []
    model = type(objs[0])
    fields = _insert_fields(model)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs
              for f in fields]
    with prepared_cursor() as cursor:
        cursor.execute(_insert_new_sql(model, len(objs), key), params)
        written = {tuple(row[:-1]): row[-1] for row in cursor.fetchall()}
    pks, seen = [], set()
    for obj in objs:
        values = tuple(getattr(obj, name) for name in key)
        pks.append(None if values in seen else written.get(values))
        seen.add(values)
    return pks


@cache
def _insert_new_sql(model, count: int, key: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    fields = _insert_fields(model)
    one = f"({', '.join(['%s'] * len(fields))})"
    returning = ", ".join(quote(model._meta.get_field(name).column) for name in key)
    return (f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 (names only)
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES {', '.join([one] * count)} ON CONFLICT DO NOTHING "
            f"RETURNING {returning}, {quote(model._meta.pk.column)}")


@cache
def _insert_fields(model) -> tuple:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key)


class Grouped:
    """Calls from concurrent threads of one process share one `write(items) -> results`
    (group commit).

    A gate scan's INSERT and its commit cost more than its row. A caller that arrives while a
    write is running waits (without CPU) and goes in the next write with everyone else who
    arrived meanwhile; nobody waits for a timer, so a quiet gate writes each scan at once and
    a busy one several per statement and per disk flush. Every caller returns only once the
    write holding its item has committed. When a shared write fails its items are written
    one by one, so that a bad item fails alone. Inside a transaction an item is written on
    its own, in that transaction.
    """

    def __init__(self, write, *, most: int = 200):
        self._write, self._most = write, most
        self._lock = threading.Lock()
        self._queue: list[_Waiter] = []
        self._writing = False

    def __call__(self, item):
        if connection.in_atomic_block:
            return self._write([item])[0]
        waiter = _Waiter(item)
        with self._lock:
            self._queue.append(waiter)
            leading, self._writing = not self._writing, True
        if not leading:
            waiter.done.wait()
        if leading or waiter.leads:
            self._lead()
        return waiter.outcome()

    def _lead(self) -> None:
        """Write the queue's first items, then hand the rest to the first of them to wait."""
        with self._lock:
            batch, self._queue = self._queue[: self._most], self._queue[self._most :]
        try:
            self._settle(batch)
        finally:
            with self._lock:
                if self._queue:
                    self._queue[0].leads = True
                    self._queue[0].done.set()
                else:
                    self._writing = False
            for waiter in batch:
                waiter.done.set()

    def _settle(self, batch: list["_Waiter"]) -> None:
        try:
            for waiter, result in zip(batch, self._write([w.item for w in batch]), strict=True):
                waiter.result = result
        except Exception as failed:  # noqa: BLE001 (each item then fails or succeeds alone)
            if len(batch) == 1:
                batch[0].error = failed
                return
            for waiter in batch:
                try:
                    waiter.result = self._write([waiter.item])[0]
                except Exception as alone:  # noqa: BLE001 (raised in its own caller)
                    waiter.error = alone


class _Waiter:
    __slots__ = ("item", "done", "leads", "result", "error")

    def __init__(self, item):
        self.item, self.done, self.leads = item, threading.Event(), False
        self.result = self.error = None

    def outcome(self):
        if self.error is not None:
            raise self.error
        return self.result


def copy_rows(model, columns: Sequence[str], rows: Iterable[Sequence], *,
              table: str | None = None, binary: bool = False, cursor=None) -> int:
    """COPY `rows` into the table of `model` (PostgreSQL only): `COPY … FROM STDIN` through
    psycopg 3's `cursor.copy()`, the one way every set-based writer sends many rows (the
    demo generator, the status writer, the roster import). Returns how many rows were sent.

    `rows` are sequences in the order of `columns` (field names or attnames of `model`). They
    are sent as they come: a generator lets the server insert one part while Python makes
    the next. How many rows go in one COPY is the caller's choice (a COPY is one statement:
    its deferred checks, its memory).

    `table`: another table with the same columns (a staging table) instead of the model's.
    Formats: text by default, psycopg adapting each value, a JSON field's value sent as
    JSON text (`json.dumps`, so None is JSON null); `binary`, PostgreSQL's binary format with
    the column types taken from the fields: no escaping nor parsing of dates and hex, about
    a microsecond less per row (psycopg encodes JSON itself). `cursor`: the psycopg cursor
    to copy on (a thread may not use Django's connection object); by default, a cursor of
    Django's connection.
    """
    if cursor is None:
        with connection.cursor() as django_cursor:
            return copy_rows(model, columns, rows, table=table, binary=binary,
                             cursor=django_cursor.cursor)
    sql, types, json_at = _copy_statement(model, tuple(columns), table, binary)
    sent = 0
    with cursor.copy(sql) as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            if json_at:
                row = list(row)
                for index in json_at:
                    row[index] = json.dumps(row[index], ensure_ascii=False)
            copy.write_row(row)
            sent += 1
    return sent


@cache
def _copy_statement(model, columns: tuple[str, ...], table: str | None, binary: bool):
    """The COPY statement, the columns' PostgreSQL types (binary) or the positions of the
    JSON values to format (text)."""
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(c) for c in columns]
    names = ", ".join(quote(f.column) for f in fields)
    target = quote(table or model._meta.db_table)
    if binary:
        types = [f.db_type(connection).split("(")[0] for f in fields]  # varchar(32) -> varchar
        return f"COPY {target} ({names}) FROM STDIN (FORMAT BINARY)", types, ()  # noqa: S608
    json_at = tuple(i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField")
    return f"COPY {target} ({names}) FROM STDIN", None, json_at  # noqa: S608


# Ids fetched from a PostgreSQL sequence per round trip.
ID_BLOCK = 20_000
POSTGRES = "postgresql"


class IdPool:
    """Primary keys for new rows of one table, reserved in blocks (no round trip per row).

    PostgreSQL: taken from the table's own sequence, so concurrent writers never collide.
    SQLite: the command runs in one IMMEDIATE transaction, which holds the write lock, so
    counting up from the largest id is safe.
    """

    def __init__(self, model: type[models.Model]):
        self.model = model
        self._ids: list[int] = []
        self._next_local: int | None = None
        self._sequence: str | None = None

    def take(self) -> int:
        if connection.vendor == POSTGRES:
            if not self._ids:
                self._ids = self._fetch_block()
            return self._ids.pop()
        if self._next_local is None:
            self._next_local = self._largest_id() + 1
        value = self._next_local
        self._next_local += 1
        return value

    def take_many(self, count: int) -> list[int]:
        """`count` ids in ascending order, in one round trip on PostgreSQL."""
        if connection.vendor != POSTGRES:
            return [self.take() for _n in range(count)]
        if len(self._ids) < count:
            # Kept in descending order, like a block: the new ids go before the old ones.
            self._ids = self._fetch_block(max(ID_BLOCK, count - len(self._ids))) + self._ids
        start = len(self._ids) - count
        ids = self._ids[start:][::-1]
        del self._ids[start:]
        return ids

    def draw(self, count: int) -> list[int]:
        """Exactly `count` new ids, ascending, in one round trip (PostgreSQL); none kept."""
        return self._fetch_block(count)[::-1]

    def sequence(self) -> str:
        """The name of the table's id sequence (PostgreSQL), looked up once."""
        if self._sequence is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)",
                               [self.model._meta.db_table, self.model._meta.pk.column])
                self._sequence = cursor.fetchone()[0]
        return self._sequence

    def _fetch_block(self, count: int = 0) -> list[int]:
        sequence = self.sequence()
        with connection.cursor() as cursor:
            # The sequence named once: pg_get_serial_sequence() in the select list is called
            # for every row and costs about 2 µs each (9 times nextval itself). One array
            # comes back instead of a row per id.
            cursor.execute("SELECT array(SELECT nextval(%s::regclass) FROM generate_series(1, %s))",
                           [sequence, count or ID_BLOCK])
            # Popped from the end: reversed so ids are handed out in ascending order.
            return cursor.fetchone()[0][::-1]

    def _largest_id(self) -> int:
        pk = self.model._meta.pk.attname
        return self.model.objects.aggregate(top=models.Max(pk))["top"] or 0


BULK_BATCH = 5_000  # rows per INSERT where there is no COPY (SQLite)


def write_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert rows (tuples in the order of `columns`, which are field attnames)."""
    rows = list(rows)
    if not rows:
        return 0
    if connection.vendor == POSTGRES:
        copy_rows(model, columns, rows)
    else:
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=BULK_BATCH)
    return len(rows)


def chunks(items: Sequence, size: int = 10_000):
    """`items` in lists of `size`: ids per `IN (...)` (SQLite takes at most 32,766 values)."""
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def pk_in(queryset: models.QuerySet, ids: Sequence[int]):
    """`queryset` narrowed to these ids, as querysets to run one after another: on
    PostgreSQL one, whose ids are one array parameter (ten thousand placeholders cost more
    to parse than the rows do to find), elsewhere one per chunk of `chunks`."""
    if not ids:
        return
    if connection.vendor == "postgresql":
        yield queryset.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [list(ids)]))
        return
    for chunk in chunks(ids):
        yield queryset.filter(pk__in=chunk)


_INSERT_SELECT = re.compile(
    r"\s*INSERT\s+INTO\s+(?P<table>\S+)\s*\((?P<columns>[^)]*)\)\s*"
    r"(?P<select>SELECT\b.*?)(?P<suffix>\s+ON\s+CONFLICT\b.*)?\s*", re.IGNORECASE | re.DOTALL)


@cache
def _pool(model: type[models.Model]) -> "IdPool":
    return IdPool(model)  # its sequence's name looked up once per process


def insert_select(cursor, model: type[models.Model], sql: str, params: Sequence = ()) -> int:
    """Run `INSERT INTO <model's table> (<columns>) SELECT … [ON CONFLICT …]` with the new
    rows' ids drawn first from the table's sequence (IdPool), not by the column's default.

    Citus cannot take the ids of a set-based INSERT … SELECT from the sequence on the
    coordinator (docs/deploy.md): so on PostgreSQL the rows are counted first, that many ids
    drawn in one round trip, and the statement run with the id column given as the n-th id
    of that block for the n-th row. SQLite runs the statement as it is. The rows inserted.
    """
    if connection.vendor != POSTGRES:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)
    parts = _INSERT_SELECT.fullmatch(sql)
    table = model._meta.db_table
    if (not parts or parts["table"].strip('"') != table or "%s" in (parts["suffix"] or "")
            or re.match(r"SELECT\s+DISTINCT\b", parts["select"], re.IGNORECASE)):
        raise ValueError(f"not an INSERT INTO {table} (…) SELECT … [ON CONFLICT …]: {sql[:80]}")
    cursor.execute(f"SELECT count(*) FROM ({parts['select']}) AS rows", params)  # noqa: S608
    count = cursor.fetchone()[0]
    if not count:
        return 0
    ids = _pool(model).draw(count)
    quote = connection.ops.quote_name
    cursor.execute(
        f"INSERT INTO {quote(table)} ({quote(model._meta.pk.column)}, {parts['columns']}) "  # noqa: S608
        f"SELECT (%s::bigint[])[row_number() OVER ()], {parts['select'][6:].lstrip()}"
        f"{parts['suffix'] or ''}", [ids, *params])
    return max(cursor.rowcount, 0)
