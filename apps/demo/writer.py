"""Set-based writes of many generated rows: PostgreSQL COPY, bulk_create elsewhere.

Rows are plain tuples in a fixed column order, with their primary keys already assigned
from an IdPool, so rows that point at each other (a guardianship at its person and its
user) are written without reading anything back.
"""

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, models

from apps.core.db import POSTGRES


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
