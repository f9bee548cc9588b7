"""Streams range-partitioned by month on PostgreSQL (plain tables on SQLite).

A stream (check-ins, gate checks, …) grows by tens of millions of rows a day in a province
and is kept a number of days: on PostgreSQL its table is `PARTITION BY RANGE (<time
column>)` with one partition a month, `<table>_pYYYYMM`, and a DEFAULT partition
`<table>_pdefault` that holds any row no month has been made for yet (a test's fixed date,
a clock far off), so an insert never fails for want of a partition. Old months are dropped
whole (`partitions_drop_before`: a detach and a DROP, no row read) instead of DELETEd.

`PartitionByMonth(model_name, column)` is the migration operation that turns an existing
table into such a table: it changes nothing in Django's state, and on PostgreSQL recreates
the table under its own name with the same columns, defaults, checks, indexes and foreign
keys, copies the rows (ids included) and drops the old one. PostgreSQL wants every unique
key of a partitioned table to include the partition key: the primary key in the database
becomes (id, column) while Django keeps `id` as the model's primary key (ids still come
from one identity sequence, so `id` alone stays unique); a UNIQUE constraint without the
column is refused with a clear error, as is a foreign key from another table into this one
(it would need a unique key on the referenced columns alone: such references are plain
indexed columns, `db_constraint=False`). Month partitions are made for the rows already
there and for `AHEAD` months from now; `partitions_extend` (a periodic task) keeps making
them ahead, and moves out of the DEFAULT partition any rows that belong to a month it makes.

Bounds are months in Asia/Shanghai (settings.TIME_ZONE): a date column's month runs from
the 1st to the 1st, a timestamp column's from local midnight of the 1st. Every statement
names its tables unqualified: the connection's search_path (SHAODIAN_DATABASE_SCHEMA)
decides the schema.
"""

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import OperationalError, connection, transaction
from django.db.migrations.operations.base import Operation
from django.utils import timezone

AHEAD = 3  # months made ahead of the current one
LOCK_TIMEOUT = "5s"  # the longest a DETACH waits for the table

logger = logging.getLogger("shaodian.partitions")


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The first days of every month from `first`'s to `last`'s, both included."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def partition_name(table: str, month: date) -> str:
    return f"{table}_p{month:%Y%m}"


def default_partition(table: str) -> str:
    return f"{table}_pdefault"


@dataclass(frozen=True)
class Partition:
    name: str
    month: date  # its first day

    @property
    def upper(self) -> date:  # the first day after it
        return next_month(self.month)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _bound(month: date, is_date: bool) -> str:
    """The literal of a month's start for the partition key's type."""
    if is_date:
        return f"'{month.isoformat()}'"
    start = timezone.make_aware(datetime.combine(month, time.min))
    return f"'{start.isoformat()}'"


def partitioned_tables() -> dict[str, str]:
    """table -> its partition key column, for the partitioned tables on the search path
    (empty on SQLite)."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_partitioned_table p "
            "JOIN pg_class c ON c.oid = p.partrelid "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0] "
            "WHERE c.relnamespace = ANY(SELECT oid FROM pg_namespace "
            "WHERE nspname = ANY(current_schemas(false)))")
        return dict(cursor.fetchall())


def is_partitioned(model) -> bool:
    return model._meta.db_table in partitioned_tables()


def _months_named(table: str, names: list[str]) -> list[Partition]:
    pattern = re.compile(re.escape(table) + r"_p(\d{4})(\d{2})")
    found = []
    for name in names:
        if match := pattern.fullmatch(name):
            found.append(Partition(name, date(int(match[1]), int(match[2]), 1)))
    return sorted(found, key=lambda p: p.month)


def month_partitions(table: str) -> list[Partition]:
    """The month partitions of `table`, oldest first (the DEFAULT one left out)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c "
                       "ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
                       [table])
        return _months_named(table, [row[0] for row in cursor.fetchall()])


def detached_months(table: str) -> list[Partition]:
    """Month tables of `table` on the search path that are no longer its partitions: a
    retention run detached them and stopped before dropping them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND NOT relispartition "
            "AND relname LIKE %s AND relnamespace = ANY(SELECT oid FROM pg_namespace "
            "WHERE nspname = ANY(current_schemas(false)))",
            [table.replace("_", r"\_") + r"\_p%"])
        return _months_named(table, [row[0] for row in cursor.fetchall()])


def _key_is_date(table: str, column: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                       "WHERE attrelid = %s::regclass AND attname = %s", [table, column])
        return cursor.fetchone()[0] == "date"


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
                       "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", [table])
        return [row[0] for row in cursor.fetchall()]


def _other_columns(table: str) -> str:
    """The quoted columns of `table` but `id`, which every stream has (its identity)."""
    columns = _columns(table)
    if "id" not in columns:
        raise ValueError(f"{table}: a partitioned stream has an id column")
    return ", ".join(_q(c) for c in columns if c != "id")


def _create_month(cursor, table: str, month: date, is_date: bool) -> None:
    cursor.execute(
        f"CREATE TABLE {_q(partition_name(table, month))} PARTITION OF {_q(table)} "
        f"FOR VALUES FROM ({_bound(month, is_date)}) "
        f"TO ({_bound(next_month(month), is_date)})")


def partitions_extend(table: str, column: str, months: list[date]) -> list[str]:
    """Make the month partitions of `months` that `table` lacks; returns the names made.
    Rows of such a month waiting in the DEFAULT partition move into it. Idempotent."""
    have = {p.month for p in month_partitions(table)}
    wanted = sorted({month_start(m) for m in months} - have)
    if not wanted:
        return []
    is_date = _key_is_date(table, column)
    default = default_partition(table)
    columns = _other_columns(table)
    made = []
    for month in wanted:
        lower = _bound(month, is_date)
        upper = _bound(next_month(month), is_date)
        in_range = f"{_q(column)} >= {lower} AND {_q(column)} < {upper}"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {_q(default)} WHERE {in_range} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is None:
                _create_month(cursor, table, month, is_date)
            else:  # the DEFAULT partition would hold rows of the new month: move them
                cursor.execute(f"ALTER TABLE {_q(table)} DETACH PARTITION {_q(default)}")
                _create_month(cursor, table, month, is_date)
                cursor.execute(  # the ids kept (Citus: the statement gives them)
                    f"INSERT INTO {_q(table)} (id, {columns}) "  # noqa: S608 (names only)
                    f"SELECT id, {columns} FROM {_q(default)} WHERE {in_range}")
                cursor.execute(f"DELETE FROM {_q(default)} WHERE {in_range}")  # noqa: S608
                cursor.execute(f"ALTER TABLE {_q(table)} ATTACH PARTITION {_q(default)} "
                               "DEFAULT")
        made.append(partition_name(table, month))
    return made


def partitions_ahead(table: str, column: str, *, today: date | None = None,
                     ahead: int = AHEAD) -> list[str]:
    """This month's partition and the next `ahead` months' (the periodic task)."""
    first = month_start(today or timezone.localdate())
    months = [first]
    for _ in range(ahead):
        months.append(next_month(months[-1]))
    return partitions_extend(table, column, months)


def partitions_drop_before(table: str, cutoff: date, *, count: bool = True
                           ) -> tuple[list[str], int]:
    """Detach and drop every month partition wholly before `cutoff` (its last day is before
    it); returns their names and, with `count`, how many rows they held.

    Each month is detached in a short transaction of its own, the only step that locks the
    stream: a DETACH locks the whole table for a moment, and waits at most LOCK_TIMEOUT for
    a long query on it (else that month stays, for the next run; the rows past their
    keeping time are then DELETEd as before). It is dropped in a second transaction, which
    locks only the detached table, which nothing reads: removing its files takes seconds
    for a month of tens of millions of rows on some file systems (docs/capacity.md), and
    writers to the stream must not wait for that. A month detached and not dropped (the
    process stopped in between) is dropped by the next run."""
    dropped, rows = [], 0
    leftovers = [p for p in detached_months(table) if p.upper <= cutoff]
    attached = [p for p in month_partitions(table) if p.upper <= cutoff]
    for part in leftovers + attached:
        held = _rows_in(part) if count else 0  # before the lock: nothing writes a month this old
        if part in attached and not _detach(table, part):
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {_q(part.name)}")
        rows += held
        dropped.append(part.name)
    return dropped, rows


def _rows_in(part: Partition) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {_q(part.name)}")  # noqa: S608
        return cursor.fetchone()[0]


def _detach(table: str, part: Partition) -> bool:
    """Detach one month; False when the table stayed busy for LOCK_TIMEOUT."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            cursor.execute(f"ALTER TABLE {_q(table)} DETACH PARTITION {_q(part.name)}")
    except OperationalError as failed:
        if getattr(failed.__cause__, "sqlstate", "") != "55P03":  # lock not available
            raise
        logger.warning("partition %s of %s not dropped: the table was busy", part.name, table)
        return False
    return True


def partitions_maintain(*, today: date | None = None, ahead: int = AHEAD) -> list[str]:
    """Every partitioned table's month partitions from this month to `ahead` months on
    (the periodic task); returns the partitions made."""
    made = []
    for table, column in sorted(partitioned_tables().items()):
        made += partitions_ahead(table, column, today=today, ahead=ahead)
    return made


# The migration operation ----------------------------------------------------------------


class PartitionByMonth(Operation):
    """Recreate a model's table partitioned by month on `column` (PostgreSQL only; no
    change to Django's state). Reversed, it makes the table plain again."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, model_name: str, column: str, ahead: int = AHEAD):
        self.model_name, self.column, self.ahead = model_name, column, ahead

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "column": self.column}
        if self.ahead != AHEAD:
            kwargs["ahead"] = self.ahead
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = to_state.apps.get_model(app_label, self.model_name)
            _rebuild(schema_editor, model, self.column, partitioned=True, ahead=self.ahead)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            model = to_state.apps.get_model(app_label, self.model_name)
            _rebuild(schema_editor, model, self.column, partitioned=False, ahead=0)

    def describe(self):
        return f"Partition {self.model_name} by month of {self.column} (PostgreSQL)"

    @property
    def migration_name_fragment(self):
        return f"partition_{self.model_name.lower()}"


def _catalogue(cursor, table: str):
    """(constraints, indexes) of `table`: [(name, type, definition)], [(name, definition)]
    for the indexes that back no constraint."""
    cursor.execute("SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') "
                   "ORDER BY conname", [table])
    constraints = cursor.fetchall()
    cursor.execute("SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                   "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
                   "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = "
                   "i.indexrelid AND k.conrelid = i.indrelid) ORDER BY c.relname", [table])
    return constraints, cursor.fetchall()


@dataclass(frozen=True)
class _Survey:
    constraints: list  # [(name, type, definition)]: primary, unique, foreign keys
    indexes: list  # [(name, definition)]: the indexes backing no constraint
    sequence: str | None  # the id's identity sequence
    next_id: int
    first: date | None  # the local days of the oldest and newest rows
    last: date | None


def _survey(table: str, pk: str, column: str, *, partitioned: bool) -> _Survey:
    """What the rebuilt table must keep; refuses a table that cannot be partitioned."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT conrelid::regclass::text, conname FROM pg_constraint "
                       "WHERE confrelid = %s::regclass AND contype = 'f' "
                       "AND conrelid <> confrelid", [table])
        if referencing := cursor.fetchall():
            raise ValueError(
                f"{table} cannot be partitioned while foreign keys point into it "
                f"({', '.join(f'{t}.{n}' for t, n in referencing)}): make those references "
                "db_constraint=False first")
        constraints, indexes = _catalogue(cursor, table)
        for name, kind, definition in constraints:
            if partitioned and kind == "u" and column not in _key_columns(definition):
                raise ValueError(f"{table}: the unique constraint {name} ({definition}) must "
                                 f"include the partition key {column}")
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
        sequence = cursor.fetchone()[0]
        next_id = 1
        if sequence:
            cursor.execute("SELECT last_value + (CASE WHEN is_called THEN 1 ELSE 0 END) "  # noqa: S608
                           f"FROM {sequence}")
            next_id = cursor.fetchone()[0]
        cursor.execute(f"SELECT min({_q(column)}), max({_q(column)}), max({_q(pk)}) "  # noqa: S608
                       f"FROM {_q(table)}")
        first, last, max_id = cursor.fetchone()
    first, last = (timezone.localdate(v) if isinstance(v, datetime) else v
                   for v in (first, last))
    return _Survey(constraints, indexes, sequence, max(next_id, (max_id or 0) + 1), first,
                   last)


def _rebuild(schema_editor, model, column: str, *, partitioned: bool, ahead: int) -> None:
    table, pk = model._meta.db_table, model._meta.pk.column
    if pk != "id":
        raise ValueError(f"{table}: a partitioned stream's key is its id")
    old = f"{table}__rebuilt"
    run = schema_editor.execute
    found = _survey(table, pk, column, partitioned=partitioned)
    # The old table keeps its rows and columns only; its names go to the new one.
    run(f"ALTER TABLE {_q(table)} RENAME TO {_q(old)}")
    for name, _kind, _definition in found.constraints:
        run(f"ALTER TABLE {_q(old)} DROP CONSTRAINT {_q(name)}")
    for name, _definition in found.indexes:
        run(f"DROP INDEX {_q(name)}")
    if found.sequence:
        run(f"ALTER TABLE {_q(old)} ALTER COLUMN {_q(pk)} DROP IDENTITY")
    like = (f"CREATE TABLE {_q(table)} (LIKE {_q(old)} INCLUDING DEFAULTS INCLUDING "
            "CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)")
    run(like + (f" PARTITION BY RANGE ({_q(column)})" if partitioned else ""))
    if found.sequence:
        run(f"ALTER TABLE {_q(table)} ALTER COLUMN {_q(pk)} ADD GENERATED BY DEFAULT AS "
            f"IDENTITY (START WITH {int(found.next_id)})")
    for name, kind, definition in found.constraints:
        if kind == "p":
            keys = f"{_q(pk)}, {_q(column)}" if partitioned else _q(pk)
            run(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} PRIMARY KEY ({keys})")
        elif kind == "u":
            run(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
    for _name, definition in found.indexes:
        run(definition)  # names the table as it is now called: the new one
    if partitioned:
        run(f"CREATE TABLE {_q(default_partition(table))} PARTITION OF {_q(table)} DEFAULT")
        _first_months(table, column, found, ahead)
    columns = _other_columns(old)  # the ids kept (Citus: the statement gives them)
    run(f"INSERT INTO {_q(table)} (id, {columns}) SELECT id, {columns} FROM {_q(old)}")  # noqa: S608
    for name, kind, definition in found.constraints:
        if kind == "f":  # checked once over the copied rows
            run(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
    run(f"DROP TABLE {_q(old)}")
    run(f"ANALYZE {_q(table)}")


def _first_months(table: str, column: str, found: _Survey, ahead: int) -> None:
    """A month for each month of the rows there (five years back at most: older or stray
    dates wait in the DEFAULT partition), this one and `ahead` more."""
    today = timezone.localdate()
    oldest = date(today.year - 5, today.month, 1)
    months = months_between(max(min(found.first or today, today), oldest),
                            max(found.last or today, today))
    for _ in range(ahead):
        months.append(next_month(months[-1]))
    is_date = _key_is_date(table, column)
    with connection.cursor() as cursor:
        for month in months:
            _create_month(cursor, table, month, is_date)


def _key_columns(definition: str) -> list[str]:
    """The columns of `UNIQUE (a, b)` / `PRIMARY KEY (a, b)`."""
    inside = definition[definition.index("(") + 1:definition.index(")")]
    return [c.strip().strip('"') for c in inside.split(",")]
