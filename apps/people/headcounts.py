"""Each school's headcount (open classes, active students and staff) counted into
SchoolHeadcount, and rolled up per county, city and province and school kind into
RegionHeadcount, by set-based statements, so pages over many schools read a few rows
instead of counting people. Called after the writes that add, move or end people or classes
(roster imports, transfers, the school-year rollover, a person, class or school saved) for
the schools they touched, and for every school by a periodic sweep and after a province is
generated.

Every statement supplies its own keys (school ids, region codes), so it runs on Citus as one
single-node INSERT … SELECT within a province's schema."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from apps.core.db import chunks

_SCHOOLS = """
INSERT INTO people_schoolheadcount (school_id, classes, students, staff, counted_at)
SELECT s.id, COALESCE(MAX(c.n), 0),
       COALESCE(SUM(CASE WHEN p.kind = 'student' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN p.kind = 'staff' THEN 1 ELSE 0 END), 0),
       %s
  FROM orgs_school s
  LEFT JOIN (SELECT school_id, COUNT(*) AS n FROM orgs_schoolclass
              WHERE closed_at IS NULL GROUP BY school_id) c ON c.school_id = s.id
  LEFT JOIN people_person p ON p.school_id = s.id AND p.active
 WHERE {where}
 GROUP BY s.id
ON CONFLICT (school_id) DO UPDATE
   SET classes = EXCLUDED.classes, students = EXCLUDED.students, staff = EXCLUDED.staff,
       counted_at = EXCLUDED.counted_at
"""
_COLUMNS = ("level, code, province_code, city_code, county_code, school_kind, schools, "
            "classes, students, staff, counted_at")
# A school's county row: its county's, or for a school placed on a city (no county) its
# own region's, so that two cities' county-less schools never share a row (the daily
# reports' roll-up, apps.reports.rollup, keys its county rows the same way).
COUNTY_KEY = "COALESCE(NULLIF(s.county_code, ''), s.region_id)"
# The counties from the schools' rows; the cities and the province from the county rows.
_COUNTIES = f"""
INSERT INTO people_regionheadcount ({_COLUMNS})
SELECT 'county', {COUNTY_KEY}, s.province_code, s.city_code, s.county_code, s.kind,
       COUNT(*), SUM(h.classes), SUM(h.students), SUM(h.staff), %s
  FROM orgs_school s JOIN people_schoolheadcount h ON h.school_id = s.id
 WHERE {COUNTY_KEY} IN ({{codes}})
 GROUP BY {COUNTY_KEY}, s.province_code, s.city_code, s.county_code, s.kind
"""  # noqa: S608 (only placeholders and our own names are spliced in)
_ABOVE = f"""
INSERT INTO people_regionheadcount ({_COLUMNS})
SELECT '{{level}}', {{level}}_code, province_code, {{city}}, '', school_kind,
       SUM(schools), SUM(classes), SUM(students), SUM(staff), %s
  FROM people_regionheadcount
 WHERE level = 'county' AND {{level}}_code IN ({{codes}})
 GROUP BY {{level}}_code, province_code, school_kind
"""  # noqa: S608


def headcounts_refresh(*, school_ids: Iterable[int] | None = None,
                       now: datetime | None = None) -> int:
    """Recount these schools (None: every school) and roll their regions up again, in one
    transaction; returns how many schools were counted."""
    now = connection.ops.adapt_datetimefield_value(now or timezone.now())
    counted, counties = 0, set()
    with transaction.atomic(), connection.cursor() as cursor:
        if school_ids is None:  # every region again: none left from a county emptied since
            cursor.execute("DELETE FROM people_regionheadcount")
        groups = [None] if school_ids is None else _id_groups(sorted(set(school_ids)))
        for group in groups:
            where = "true" if group is None else _in("s.id", group)
            params = [] if group is None else _params(group)
            cursor.execute(_SCHOOLS.format(where=where), [now, *params])
            counted += cursor.rowcount
            cursor.execute(f"SELECT DISTINCT {COUNTY_KEY} FROM orgs_school s WHERE {where}",  # noqa: S608
                           params)
            counties.update(row[0] for row in cursor.fetchall())
        _roll_up(cursor, sorted(counties), now)
    return counted


def _roll_up(cursor, counties: list[str], now) -> None:
    """The county rows of these counties counted again from their schools, then the rows
    of their cities and provinces from the county rows."""
    if not counties:
        return
    _replace(cursor, "county", counties, _COUNTIES.format(codes=_marks(counties)), now)
    cursor.execute("SELECT DISTINCT city_code, province_code FROM people_regionheadcount "  # noqa: S608
                   f"WHERE level = 'county' AND code IN ({_marks(counties)})", counties)
    found = cursor.fetchall()
    cities = sorted({city for city, _province in found if city})
    provinces = sorted({province for _city, province in found})
    if cities:
        _replace(cursor, "city", cities, _ABOVE.format(
            level="city", city="city_code", codes=_marks(cities)), now)
    _replace(cursor, "province", provinces, _ABOVE.format(
        level="province", city="''", codes=_marks(provinces)), now)


def _replace(cursor, level: str, codes: list[str], insert: str, now) -> None:
    cursor.execute(f"DELETE FROM people_regionheadcount WHERE level = %s "  # noqa: S608
                   f"AND code IN ({_marks(codes)})", [level, *codes])
    cursor.execute(insert, [now, *codes])


def _marks(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def _id_groups(ids: list[int]) -> list[list[int]]:
    # PostgreSQL takes the ids as one array parameter; SQLite in lists it can bind.
    return ([ids] if ids else []) if connection.vendor == "postgresql" else list(chunks(ids))


def _in(column: str, ids: list[int]) -> str:
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])"
    return f"{column} IN ({_marks(ids)})"


def _params(ids: list[int]) -> list:
    return [ids] if connection.vendor == "postgresql" else list(ids)


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


def school_row_saved(sender, instance, **kwargs) -> None:
    """post_save/post_delete of a Person or a SchoolClass: its school recounted (a move
    between schools names the school it left itself: apps.transfers)."""
    headcounts_refresh_on_commit([instance.school_id])


def school_saved(sender, instance, **kwargs) -> None:
    """post_save of a School: a new one gets its rows, a moved one its region's."""
    headcounts_refresh_on_commit([instance.pk])
