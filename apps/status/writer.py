"""Bulk writes of statuses and their history: COPY on PostgreSQL, bulk_create elsewhere.

On PostgreSQL a batch of statuses is copied into a session-local temporary table and merged
with one INSERT ... ON CONFLICT (school_id, person_id) DO UPDATE, the new rows' ids drawn
first (apps.core.db.insert_select: Citus); history rows are copied
straight into their table. COPY sends rows in PostgreSQL's own format, so neither Django
model instances nor client-side quoting of thousands of parameters stand between the
evaluated statuses and the table (a third of the time of a large recompute otherwise).
"""

from collections.abc import Sequence
from operator import itemgetter

from django.db import connection

from apps.core.db import copy_rows, insert_select
from apps.status.models import PersonStatus, PersonStatusChange

STATUS_COLUMNS = ("school_id", "person_id", "category", "until", "compliant", "actions",
                  "reasons", "pack", "pack_version", "next_due", "computed_at")
CHANGE_COLUMNS = ("school_id", "person_id", "category", "until", "compliant", "reasons",
                  "pack", "pack_version", "cause", "layer", "changed_at")
_STAGE = "status_personstatus_stage"
_NAMES = ", ".join(STATUS_COLUMNS)
_STAGE_CREATE = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} ON COMMIT DELETE ROWS AS "  # noqa: S608
    f"SELECT {_NAMES} FROM status_personstatus WITH NO DATA"
)
# Names only, all constants of this module: nothing from outside reaches these statements.
_STAGE_MERGE = (
    f"INSERT INTO status_personstatus ({_NAMES}) SELECT {_NAMES} FROM {_STAGE} "  # noqa: S608
    "ON CONFLICT (school_id, person_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in STATUS_COLUMNS[2:])
)


def statuses_upsert(rows: Sequence[dict]) -> None:
    """Insert or replace the stored status of each (school_id, person_id) of `rows`."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        PersonStatus.objects.bulk_create(
            [PersonStatus(**row) for row in rows], update_conflicts=True,
            unique_fields=["school", "person"],
            update_fields=[c for c in STATUS_COLUMNS if c not in ("school_id", "person_id")],
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(_STAGE_CREATE)
        cursor.execute(f"TRUNCATE {_STAGE}")  # within one outer transaction, rows stay
        copy_rows(PersonStatus, STATUS_COLUMNS, map(itemgetter(*STATUS_COLUMNS), rows),
                  table=_STAGE, cursor=cursor.cursor)
        insert_select(cursor, PersonStatus, _STAGE_MERGE)


def changes_insert(rows: Sequence[dict]) -> None:
    """Append history rows."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        PersonStatusChange.objects.bulk_create([PersonStatusChange(**row) for row in rows])
        return
    copy_rows(PersonStatusChange, CHANGE_COLUMNS, map(itemgetter(*CHANGE_COLUMNS), rows))


