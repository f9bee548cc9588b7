"""Reads of supplies, through the scope layer: a school's stock, ledger and cover; a bureau's
schools below the cover its policy asks (`supplies_min_days_cover`, henan-2022: 7 days).

Days of cover = stock / daily use. Daily use is the item's recorded use over the last
HISTORY_DAYS days divided by HISTORY_DAYS, or, when the school recorded no use of the item
in that time, the catalogue's norm × the school's headcount (people.SchoolHeadcount:
students and staff). Nothing used (no history, no headcount) is no cover figure at all
(`days` None, shown as "not used"), never a division by zero.

`cover_rows` computes it for any set of schools (one school, a bureau's area, the whole
province) in ONE set-based statement, the same SQL on SQLite and PostgreSQL: schools ×
catalogue items, their stock, their use in the window (grouped once), their headcount and
their least days of cover (the pack's value, with the schools whose effective policy
differs as a short list)."""

import logging
import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Max, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.orgs.models import School
from apps.supplies import catalogue
from apps.supplies.models import CoverSnapshot, Movement, MovementKind, Stock

logger = logging.getLogger(__name__)
VIEW, MANAGE = "supplies.view", "supplies.manage"
HISTORY_DAYS = 14  # the window daily use is averaged over
REORDER_DAYS = 14  # a reorder brings an item back to this many days (or the least, if more)
PARAM = "supplies_min_days_cover"

_COVER = """
WITH items(item, norm, pos) AS (VALUES {items}),
     least(school_id, min_days) AS ({least}),
     used AS (SELECT school_id, item, SUM(quantity) AS n FROM supplies_movement
               WHERE kind = %s AND day > %s AND day <= %s AND school_id IN ({schools})
               GROUP BY school_id, item),
     rows AS (
  SELECT s.id AS school_id, i.item, i.pos, COALESCE(st.quantity, 0) AS stock,
         CASE WHEN u.n IS NOT NULL THEN CAST(u.n AS DOUBLE PRECISION) / %s
              ELSE i.norm * COALESCE(h.students + h.staff, 0) END AS daily_use,
         CASE WHEN u.n IS NOT NULL THEN 1 ELSE 0 END AS from_history,
         COALESCE(l.min_days, %s) AS min_days
    FROM orgs_school s CROSS JOIN items i
    LEFT JOIN supplies_stock st ON st.school_id = s.id AND st.item = i.item
    LEFT JOIN used u ON u.school_id = s.id AND u.item = i.item
    LEFT JOIN people_schoolheadcount h ON h.school_id = s.id
    LEFT JOIN least l ON l.school_id = s.id
   WHERE s.active AND s.id IN ({schools}))
SELECT school_id, item, stock, daily_use, from_history, min_days,
       CASE WHEN daily_use > 0 THEN stock / daily_use END AS days
  FROM rows
"""  # noqa: S608 (only placeholders and our own names are spliced in)


@dataclass
class Cover:
    school_id: int
    item: str
    stock: int
    daily_use: float
    from_history: bool
    min_days: int | None
    days: float | None  # None: nothing is used, the stock lasts

    @property
    def below(self) -> bool:
        return self.min_days is not None and self.days is not None and self.days < self.min_days

    @property
    def shortfall(self) -> int:
        """What the school lacks to reach its least days of cover."""
        if not self.below:
            return 0
        return max(0, math.ceil(self.daily_use * self.min_days - self.stock))

    @property
    def reorder(self) -> int:
        """What to order to reach REORDER_DAYS (or the least days, if more) of cover."""
        days = max(REORDER_DAYS, self.min_days or 0)
        return max(0, math.ceil(self.daily_use * days - self.stock))

    @property
    def catalogue_item(self):
        return catalogue.get(self.item)


def _least_sql(least: dict[int, int | None]) -> tuple[str, list, int | None]:
    """The least days as one common value and the schools whose value differs."""
    common = Counter(least.values()).most_common(1)[0][0] if least else None
    others = [(pk, days) for pk, days in least.items() if days != common]
    if not others:
        return "SELECT CAST(NULL AS BIGINT), CAST(NULL AS INTEGER) WHERE 1 = 0", [], common
    marks = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS INTEGER))"] * len(others))
    return f"VALUES {marks}", [v for pair in others for v in pair], common


def least_days(school_ids) -> dict[int, int | None]:
    """Each school's `supplies_min_days_cover` from its effective policy (the pack, then
    the bureaus' and the school's tightening), None where its pack has none, or while the
    province's pack choice is outdated or its file missing (the Policy page says so; the
    supplies pages still show stock and cover, flagging nothing)."""
    from apps.policy.selectors import PackMissing, PackOutdated, effective_policies_for_schools

    try:
        policies = effective_policies_for_schools(school_ids)
    except (PackMissing, PackOutdated) as exc:
        logger.warning("supplies: no least days of cover (%s)", exc)
        return dict.fromkeys(school_ids)
    return {pk: policy.params.get(PARAM) for pk, policy in policies.items()}


def cover_rows(*, schools: QuerySet, today: date | None = None,
               least: dict[int, int | None] | None = None) -> list[Cover]:
    """Cover of every catalogue item of every active school of `schools` (a School
    queryset, scoped or not), in one statement. `least` gives each school's least days
    (read from the policies when not given)."""
    today = today or timezone.localdate()
    try:
        ids_sql, ids_params = schools.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a scope or filter that can match no school
        return []
    if least is None:
        least = least_days(schools.order_by().values_list("pk", flat=True))
    least_sql, least_params, common = _least_sql(least)
    items = catalogue.items()
    item_marks = ", ".join(["(%s, CAST(%s AS DOUBLE PRECISION), %s)"] * len(items))
    item_params = [v for n, i in enumerate(items) for v in (i.key, i.norm, n)]
    sql = _COVER.format(items=item_marks, least=least_sql, schools=ids_sql)
    start = today - timedelta(days=HISTORY_DAYS)
    params = [*item_params, *least_params, MovementKind.USED.value, start, today, *ids_params,
              float(HISTORY_DAYS), common, *ids_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Cover(school_id=r[0], item=r[1], stock=r[2], daily_use=float(r[3] or 0),
                      from_history=bool(r[4]), min_days=r[5],
                      days=None if r[6] is None else float(r[6]))
                for r in cursor.fetchall()]


def school_get(*, user, school_id: int, perm: str = VIEW) -> School:
    return get_object_or_404(School.objects.restrict(user, perm), pk=school_id)


def schools_seen(*, user) -> QuerySet[School]:
    return School.objects.restrict(user, VIEW).filter(active=True).order_by("name")


def school_cover(*, school: School, today: date | None = None) -> list[Cover]:
    """The school's items in catalogue order."""
    order = {key: n for n, key in enumerate(catalogue.keys())}
    rows = cover_rows(schools=School.objects.filter(pk=school.pk), today=today)
    return sorted(rows, key=lambda c: order.get(c.item, 99))


def movements(*, school: School, item: str = "") -> QuerySet[Movement]:
    qs = Movement.objects.filter(school_id=school.pk).select_related("actor")
    return qs.filter(item=item) if item else qs


def stock_rows(*, school: School) -> list[Stock]:
    return list(Stock.objects.filter(school_id=school.pk))


@dataclass
class SchoolBelow:
    school: School
    items: list[Cover]

    @property
    def worst(self) -> float:
        return min(c.days for c in self.items)


def schools_below(*, user, today: date | None = None) -> list[tuple[int, float]]:
    """The schools of the user's scope with an item below its least days of cover, as
    (school id, the lowest cover), lowest first; computed for them all in one statement."""
    worst: dict[int, float] = {}
    for row in cover_rows(schools=schools_seen(user=user), today=today):
        if row.below:
            worst[row.school_id] = min(row.days, worst.get(row.school_id, math.inf))
    return sorted(worst.items(), key=lambda pair: (pair[1], pair[0]))


def schools_below_detail(*, ids: list[int], today: date | None = None) -> list[SchoolBelow]:
    """The items below cover of these schools (a page of schools_below), in their order."""
    schools = School.objects.in_bulk(ids)
    found: dict[int, list[Cover]] = {pk: [] for pk in ids}
    for row in cover_rows(schools=School.objects.filter(pk__in=ids), today=today):
        if row.below:
            found[row.school_id].append(row)
    return [SchoolBelow(schools[pk], found[pk]) for pk in ids if pk in schools and found[pk]]


def items_below(*, user, today: date | None = None) -> list[Cover]:
    """The items below their least days of cover at the user's schools (a school's home)."""
    rows = cover_rows(schools=schools_seen(user=user), today=today)
    return sorted((r for r in rows if r.below), key=lambda r: (r.days, r.school_id, r.item))


def schools_below_count(*, user) -> int:
    """How many of the user's schools had an item below cover at the last snapshot (a
    bureau's home: the snapshot rows of one day, never the cover of every school)."""
    last = CoverSnapshot.objects.aggregate(day=Max("day"))["day"]
    if last is None:
        return 0
    return (CoverSnapshot.objects.restrict(user, VIEW)
            .filter(day=last, days_cover__lt=F("min_days"))
            .values("school_id").distinct().count())


def cover_trend(*, school: School, days: int = 30, today: date | None = None) -> dict:
    """The school's daily snapshots of the last `days` days: one line per item."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = CoverSnapshot.objects.filter(school_id=school.pk, day__gte=first, day__lte=today)
    by_item: dict[str, dict[date, float | None]] = {}
    seen_days: set[date] = set()
    for snap in rows:
        by_item.setdefault(snap.item, {})[snap.day] = snap.days_cover
        seen_days.add(snap.day)
    return {"days": sorted(seen_days), "items": by_item}
