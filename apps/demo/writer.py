"""Set-based writes of many generated rows: PostgreSQL COPY, bulk_create elsewhere.

Rows are plain tuples in a fixed column order, with their primary keys already assigned
from an IdPool, so rows that point at each other (a guardianship at its person and its
user) are written without reading anything back.
"""

from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, models

from apps.core.db import copy_rows

POSTGRES = "postgresql"
# Ids fetched from a PostgreSQL sequence per round trip.
ID_BLOCK = 20_000
BULK_BATCH = 5_000


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


@dataclass(frozen=True)
class _Saved:
    table: str
    name: str
    kind: str  # "u" unique constraint, "i" plain index, "f" foreign key
    definition: str


_SECONDARY_SQL = """
SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
  FROM pg_constraint c
 WHERE c.conrelid = ANY(%(tables)s::regclass[]) AND c.contype IN ('u', 'f')
   -- a unique constraint another table's foreign key stands on stays
   AND NOT (c.contype = 'u' AND EXISTS (
        SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
UNION ALL
SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, 'i', pg_get_indexdef(i.indexrelid)
  FROM pg_index i
 WHERE i.indrelid = ANY(%(tables)s::regclass[]) AND NOT i.indisprimary
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                    WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid
                      AND c.contype IN ('p', 'u', 'x'))
   AND NOT EXISTS (SELECT 1 FROM pg_constraint f
                    WHERE f.contype = 'f' AND f.conindid = i.indexrelid)
"""


@contextmanager
def secondary_indexes_deferred(models_: Sequence[type[models.Model]], *, enabled: bool = True):
    """Load first, index after: PostgreSQL's advice for populating a database.

    On PostgreSQL, inside the caller's transaction, the foreign keys, unique constraints and
    secondary indexes of the tables are dropped, and rebuilt from their own definitions
    after the load: one sort per index and one join per foreign key instead of an index
    insertion and a trigger per row. Everything is transactional: if the load or a rebuilt
    constraint fails, the transaction rolls back with the constraints as they were. Other
    sessions wait for these tables meanwhile (the drop holds an exclusive lock), so this is
    for large loads only.
    """
    if not enabled or connection.vendor != POSTGRES:
        yield
        return
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        cursor.execute(_SECONDARY_SQL, {"tables": tables})
        saved = [_Saved(*row) for row in cursor.fetchall()]
        # Checks deferred to commit (rows written earlier in this transaction) run now:
        # a table with pending trigger events cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for item in sorted(saved, key=lambda s: "fui".index(s.kind)):
            name = connection.ops.quote_name(item.name) if item.kind != "i" else item.name
            if item.kind == "i":
                cursor.execute(f"DROP INDEX {name}")
            else:
                cursor.execute(f"ALTER TABLE {item.table} DROP CONSTRAINT {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for item in sorted(saved, key=lambda s: "uif".index(s.kind)):
            if item.kind == "i":
                cursor.execute(item.definition)
            else:
                cursor.execute(
                    f"ALTER TABLE {item.table} ADD CONSTRAINT "
                    f"{connection.ops.quote_name(item.name)} {item.definition}"
                )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferred
        cursor.execute(f"ANALYZE {', '.join(tables)}")
