"""Each school's headcount (active students and staff) counted into SchoolHeadcount by one
set-based upsert, so pages over many schools sum a row per school instead of counting
people. Called after the writes that add, move or end people (roster imports, transfers,
the school-year rollover, a person saved through the API or admin) for the schools they
touched, and for every school by a periodic sweep and after a province is generated.

The statement supplies its own keys (the school ids), so it runs on Citus as one
single-node INSERT … SELECT within a province's schema."""

from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from apps.core.db import chunks

_UPSERT = """
INSERT INTO people_schoolheadcount (school_id, students, staff, counted_at)
SELECT s.id,
       COALESCE(SUM(CASE WHEN p.kind = 'student' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN p.kind = 'staff' THEN 1 ELSE 0 END), 0),
       %s
  FROM orgs_school s
  LEFT JOIN people_person p ON p.school_id = s.id AND p.active
 {where}
 GROUP BY s.id
ON CONFLICT (school_id) DO UPDATE
   SET students = EXCLUDED.students, staff = EXCLUDED.staff, counted_at = EXCLUDED.counted_at
"""


def headcounts_refresh(*, school_ids: Iterable[int] | None = None,
                       now: datetime | None = None) -> int:
    """Recount these schools (None: every school) in one statement (per chunk of ids on
    SQLite); returns how many schools were counted."""
    now = connection.ops.adapt_datetimefield_value(now or timezone.now())
    if school_ids is None:  # "WHERE true": SQLite reads an upsert's SELECT only with a WHERE
        return _upsert("WHERE true", [now])
    ids = sorted(set(school_ids))
    if connection.vendor == "postgresql":
        return _upsert("WHERE s.id = ANY(%s::bigint[])", [now, ids]) if ids else 0
    return sum(_upsert(f"WHERE s.id IN ({', '.join(['%s'] * len(group))})", [now, *group])
               for group in chunks(ids))


def _upsert(where: str, params: list) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(where=where), params)
        return cursor.rowcount


def headcounts_refresh_on_commit(school_ids: Iterable[int]) -> None:
    """Recount these schools once the surrounding transaction commits (at once outside one),
    so the writes' own transaction stays as short as it was. Many calls in one transaction
    (a save per person) make one recount: each call adds to the connection's pending set and
    the first callback to run takes the whole set; the others find it empty."""
    ids = {int(i) for i in school_ids if i is not None}
    if not ids:
        return
    pending = connection.__dict__.setdefault("_headcount_schools", set())
    pending.update(ids)
    transaction.on_commit(_refresh_pending)


def _refresh_pending() -> None:
    ids = connection.__dict__.pop("_headcount_schools", set())
    if ids:
        headcounts_refresh(school_ids=ids)


def person_saved(sender, instance, **kwargs) -> None:
    """post_save and post_delete of a Person: its school recounted (a move between schools
    names the school it left itself: apps.transfers)."""
    headcounts_refresh_on_commit([instance.school_id])
