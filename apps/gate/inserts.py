"""The INSERT of gate checks: one statement for any number of rows, idempotent by (school,
client id, day) with ON CONFLICT DO NOTHING (apps.gate.services writes through it). Scans
arriving together in one process share an INSERT and a commit (apps.core.db.Grouped)."""

import json
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.db import connection

from apps.core.db import Grouped, prepared_cursor
from apps.gate.models import GateCheck

COLUMNS = ("school_id", "person_id", "gate_id", "officer_id", "at", "day", "temperature",
           "direction", "verdict", "reason", "reasons", "category", "client_id",
           "recorded_offline", "received_at", "override_reason")


def insert_checks(rows: list[dict], *, durable: bool = True) -> dict[str, int]:
    """One school's rows, each client id once: INSERT ... ON CONFLICT (school, client_id,
    day) DO NOTHING RETURNING: {client id: new id} of the rows written; a client id already
    stored for the day is left as it was and not returned."""
    return {client: pk for (_school, client, _day), pk in _insert(rows,
                                                                  durable=durable).items()}


Key = tuple[int, str, date]  # (school id, client id, day): the unique key


def _insert(rows: list[dict], *, durable: bool) -> dict[Key, int]:
    """{(school id, client id, day): new id} of the rows written."""
    if not rows:
        return {}
    if connection.vendor == "postgresql":
        return _insert_unnest(rows, durable=durable)
    return _insert_values(rows)


def _scans_write(rows: list[dict]) -> list[int | None]:
    """Each scan's new id, or None where its (school, client id, day) was stored already (by
    an earlier request, or by the same id earlier in these rows)."""
    written = _insert(rows, durable=not settings.GATE_RELAXED_COMMIT)
    ids, seen = [], set()
    for row in rows:
        key = (row["school_id"], row["client_id"], row["day"])
        ids.append(None if key in seen else written.get(key))
        seen.add(key)
    return ids


scan_insert = Grouped(_scans_write)


def _fields():
    return [GateCheck._meta.get_field(c.removesuffix("_id") if c.endswith("_id")
                                      and c != "client_id" else c) for c in COLUMNS]


def _names(fields) -> tuple[str, str]:
    table = connection.ops.quote_name(GateCheck._meta.db_table)
    return table, ", ".join(connection.ops.quote_name(f.column) for f in fields)


# PostgreSQL: one statement and one JSON parameter whatever the number of rows (the rows
# as json_to_recordset), so neither the driver nor the server parses thousands of
# placeholders or array elements.
_PG_TYPES = {"school_id": "bigint", "person_id": "bigint", "gate_id": "bigint",
             "officer_id": "bigint", "at": "timestamptz", "day": "date",
             "temperature": "numeric(3,1)",
             "direction": "text", "verdict": "text", "reason": "text", "reasons": "jsonb",
             "category": "text", "client_id": "text", "recorded_offline": "boolean",
             "received_at": "timestamptz", "override_reason": "text"}


# By default every scan waits for the WAL flush like any other write: a recorded check is
# never lost. A deployment whose disk is the limit of a busy gate may set
# SHAODIAN_GATE_RELAXED_COMMIT=1: a single scan's row is then committed without waiting
# (synchronous_commit off, for that transaction only); the database stays consistent, and a
# crash of the database server can lose the last fraction of a second of scans. Offline
# uploads are always durable: the terminal forgets its copy once the server says it has it.
_RELAXED = ", (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed"


@lru_cache(maxsize=2)
def _pg_insert_sql(durable: bool) -> str:
    table, names = _names(_fields())
    typed = ", ".join(f"{c} {_PG_TYPES[c]}" for c in COLUMNS)
    return (f"INSERT INTO {table} ({names}) SELECT {', '.join(COLUMNS)} "  # noqa: S608
            f"FROM json_to_recordset(%s::json) AS t({typed}){'' if durable else _RELAXED} "
            "ON CONFLICT (school_id, client_id, day) DO NOTHING "
            "RETURNING school_id, client_id, day, id")


def _insert_unnest(rows: list[dict], *, durable: bool) -> dict[Key, int]:
    # Datetimes and decimals go as their text, which PostgreSQL reads back exactly.
    payload = json.dumps([{c: row.get(c, "") for c in COLUMNS} for row in rows], default=str)
    with prepared_cursor() as cursor:  # one statement whatever the rows: planned once
        cursor.execute(_pg_insert_sql(durable), [payload])
        return {(school, client, day): pk for school, client, day, pk in cursor.fetchall()}


CHUNK = 500  # rows per INSERT on SQLite: 16 parameters each, under its limit


def _insert_values(rows: list[dict]) -> dict[Key, int]:
    fields = _fields()
    table, names = _names(fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    created: dict[Key, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            params = []
            for row in chunk:
                params += [_db_value(f, row.get(c, "")) for f, c in zip(fields, COLUMNS,
                                                                          strict=True)]
            # Only quoted model names and placeholders go into the text; values are parameters.
            values = ", ".join([placeholder] * len(chunk))
            sql = (f"INSERT INTO {table} ({names}) VALUES {values} "  # noqa: S608
                   "ON CONFLICT (school_id, client_id, day) DO NOTHING "
                   "RETURNING school_id, client_id, day, id")
            cursor.execute(sql, params)
            created.update({(school, client, _date(day)): pk
                            for school, client, day, pk in cursor.fetchall()})
    return created


def _date(value) -> date:
    """SQLite's RETURNING gives a date as its text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _db_value(model_field, value):
    if model_field.name == "reasons":
        return json.dumps(value)
    if value is None:
        return None
    return model_field.get_db_prep_save(value, connection)
