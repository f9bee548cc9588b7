"""The automatic testing cycle of a pack: "the whole school within N days, then at least P % a
day" (whole_school_testing_days, daily_testing_percent; henan-2022 has them, routine has
neither). The rule itself is the pure `apps.testing.planner.Cycle`; this writes it for every
school of the province at once.

`testing_cycle_run` is run by the periodic task (apps.testing.tasks.open_cycle_rounds). For the
schools whose effective policy has both parameters (read with the set-based selector, so the
bureaus' and schools' tightening overrides count) it:

1. opens a whole-school round over N days where the school has no whole-school round (by hand
   or automatic, drills aside) begun within the last cycle (N + ceil(100 / P) days);
2. plans its members over the N days (classes in order, so a class walks together);
3. opens a round of P % where the school's latest whole-school round has ended and the cycle
   has not;
4. samples its members: at least P % of the school's active people (rounded up).

Each step is one INSERT ... SELECT over a batch of schools that share the same cycle and
pooling rules (most often every school of the province), never a loop per school or person.
Idempotent: the database keeps one automatic round per school and day (round_cycle_once_a_day,
ON CONFLICT DO NOTHING), and members are written only for a round that has none, so running
it twice a day, or on two workers at once, opens each round once. The rounds are open at
once, carry `opened_by="system"` and a reason naming the pack parameter, and are seen by the
school's testing officer and samplers as any round is (they are rows of the school).
"""

import json
import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.db import chunks, insert_select
from apps.orgs.models import School
from apps.people.models import Person
from apps.testing.models import (
    RoundKind,
    RoundMember,
    RoundOpener,
    RoundScope,
    RoundStatus,
    Sample,
    TestRound,
)
from apps.testing.planner import Cycle, cycle_of
from apps.testing.services.station import POOLING_PARAMS

logger = logging.getLogger("shaodian.testing")

WHOLE_PARAM, DAILY_PARAM = "whole_school_testing_days", "daily_testing_percent"
BATCH = 5000  # schools per statement (their ids appear twice in the sampling statement)


def testing_cycle_run(*, day: date | None = None, now: datetime | None = None) -> dict:
    """Open the day's automatic rounds of every school whose policy asks for the cycle.
    Returns {"whole_school": rounds opened, "daily": rounds opened, "members": people
    planned}."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    counts = {"whole_school": 0, "daily": 0, "members": 0}
    for (pack_id, cycle, pooling), school_ids in _schools_by_cycle().items():
        for batch in chunks(school_ids, BATCH):
            with transaction.atomic():
                _run_batch(batch, pack_id, cycle, dict(pooling), day, now, counts)
    return counts


def _schools_by_cycle() -> dict[tuple, list[int]]:
    """{(pack id, cycle, pooling): school ids} of the open schools whose effective policy
    has both parameters. A province whose pack has neither (routine alone) is passed over
    without reading its schools' policies: an override can only tighten a parameter the pack
    has. A province whose choice needs review (PackOutdated) opens nothing until it is."""
    from apps.policy.selectors import (
        PackMissing,
        PackOutdated,
        active_pack,
        effective_policies_for_schools,
    )

    groups: dict[tuple, list[int]] = defaultdict(list)
    provinces = (School.objects.filter(active=True).order_by("province_code")
                 .values_list("province_code", flat=True).distinct())
    for province in provinces:
        try:
            pack = active_pack(province)
        except (PackOutdated, PackMissing):
            logger.warning("testing cycle: province %s's pack needs review; no rounds", province)
            continue
        if cycle_of(pack.values()) is None:
            continue
        ids = list(School.objects.filter(active=True, province_code=province)
                   .order_by("pk").values_list("pk", flat=True))
        for pk, policy in effective_policies_for_schools(ids).items():
            cycle = cycle_of(policy.params)
            if cycle is not None:
                pooling = tuple(sorted((k, policy.params[k]) for k in POOLING_PARAMS
                                       if k in policy.params))
                groups[(pack.id, cycle, pooling)].append(pk)
    return groups


def _run_batch(ids: list[int], pack_id: str, cycle: Cycle, pooling: dict, day: date, now,
               counts: dict) -> None:
    since = day - timedelta(days=cycle.length)
    with translation.override(settings.LANGUAGE_CODE):
        whole_name = _("Whole school (testing cycle)")
        daily_name = _("%(share)d%% of the school (testing cycle)") % {
            "share": cycle.daily_percent}
    with connection.cursor() as cursor:
        counts["whole_school"] += insert_select(cursor, TestRound, *_open_rounds(
            ids, day, now, name=whole_name, scope=RoundScope.SCHOOL, days=cycle.whole_days,
            detail={}, pooling=pooling, reason=f"{pack_id}: {WHOLE_PARAM}={cycle.whole_days}",
            when=_no_whole_round_since(since)))
        counts["members"] += insert_select(cursor, RoundMember, *_plan_whole_school(ids, day))
        counts["daily"] += insert_select(cursor, TestRound, *_open_rounds(
            ids, day, now, name=daily_name, scope=RoundScope.SHARE, days=1,
            detail={"share_percent": cycle.daily_percent}, pooling=pooling,
            reason=f"{pack_id}: {DAILY_PARAM}={cycle.daily_percent}",
            when=_whole_round_ended_since(since, day)))
        counts["members"] += insert_select(cursor, RoundMember,
                                           *_sample_share(ids, day, since, cycle.daily_percent))


# ---- SQL (PostgreSQL and SQLite) ----------------------------------------------------------

T_ROUND, T_MEMBER = TestRound._meta.db_table, RoundMember._meta.db_table
T_SCHOOL, T_PERSON, T_SAMPLE = (School._meta.db_table, Person._meta.db_table,
                                Sample._meta.db_table)


def _in(ids: list[int]) -> str:
    return ", ".join(["%s"] * len(ids))


def _json() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def _plus_days(date_sql: str, days_sql: str) -> str:
    if connection.vendor == "postgresql":
        return f"({date_sql} + CAST({days_sql} AS integer))"
    return f"date({date_sql}, '+' || ({days_sql}) || ' days')"


def _date(value: date):
    return connection.ops.adapt_datefield_value(value)


def _whole_rounds(since: date) -> tuple[str, list]:
    """The school's whole-school rounds begun within the cycle (drills do not count)."""
    return (f"SELECT 1 FROM {T_ROUND} r WHERE r.school_id = s.id AND r.scope = %s "  # noqa: S608
            "AND r.drill = %s AND r.day > %s", [RoundScope.SCHOOL, False, _date(since)])


def _no_whole_round_since(since: date) -> tuple[str, list]:
    sql, params = _whole_rounds(since)
    return f"NOT EXISTS ({sql})", params


def _whole_round_ended_since(since: date, day: date) -> tuple[str, list]:
    """A whole-school round within the cycle, and none of them still running today."""
    sql, params = _whole_rounds(since)
    running = f"{sql} AND {_plus_days('r.day', 'r.days')} > %s"
    return f"EXISTS ({sql}) AND NOT EXISTS ({running})", [*params, *params, _date(day)]


def _open_rounds(ids, day, now, *, name, scope, days, detail, pooling, reason, when):
    """One open automatic round for each school of `ids` with an active person and `when`;
    a school that has its round of the day already is skipped (the unique constraint)."""
    when_sql, when_params = when
    stamp = connection.ops.adapt_datetimefield_value(now)
    sql = (
        f"INSERT INTO {T_ROUND} (school_id, name, kind, scope, scope_detail, day, days, "  # noqa: S608
        "daily_share, stations, status, pooling, created_at, opened_at, drill, opened_by, "
        f"reason) SELECT s.id, %s, %s, %s, {_json()}, %s, %s, NULL, {_json()}, %s, {_json()}, "
        f"%s, %s, %s, %s, %s FROM {T_SCHOOL} s WHERE s.id IN ({_in(ids)}) "
        f"AND EXISTS (SELECT 1 FROM {T_PERSON} p WHERE p.school_id = s.id AND p.active = %s) "
        f"AND {when_sql} ON CONFLICT DO NOTHING"
    )
    params = [name, RoundKind.PCR_POOLED, scope, json.dumps(detail), _date(day), days, "[]",
              RoundStatus.OPEN, json.dumps(pooling), stamp, stamp, False, RoundOpener.SYSTEM,
              reason, *ids, True, *when_params]
    return sql, params


def _todays_rounds(ids, day, scope) -> tuple[str, list]:
    """The school's automatic round of the day of this scope that has no members yet, joined
    to the school's active people."""
    sql = (f"FROM {T_PERSON} p JOIN {T_ROUND} r ON r.school_id = p.school_id "  # noqa: S608
           f"WHERE p.active = %s AND p.school_id IN ({_in(ids)}) AND r.opened_by = %s "
           "AND r.day = %s AND r.scope = %s AND NOT EXISTS (SELECT 1 FROM "
           f"{T_MEMBER} m WHERE m.school_id = r.school_id AND m.round_id = r.id)")
    return sql, [True, *ids, RoundOpener.SYSTEM, _date(day), scope]


def _plan_whole_school(ids, day) -> tuple[str, list]:
    """Every active person on one of the round's days: the school's people in class order cut
    into `days` equal runs, so each day carries 1/N of the school and a class is split over
    two days only where a run ends (at most N - 1 classes)."""
    source, params = _todays_rounds(ids, day, RoundScope.SCHOOL)
    sql = (
        f"INSERT INTO {T_MEMBER} (school_id, round_id, person_id, planned_day) "  # noqa: S608
        f"SELECT school_id, round_id, person_id, {_plus_days('day', 'idx')} FROM ("
        "SELECT p.school_id AS school_id, r.id AS round_id, p.id AS person_id, r.day AS day, "
        "(ROW_NUMBER() OVER (PARTITION BY p.school_id ORDER BY p.klass_id IS NULL, "
        "p.klass_id, p.id) - 1) * r.days / COUNT(*) OVER (PARTITION BY p.school_id) AS idx "
        f"{source}) x WHERE true ON CONFLICT DO NOTHING"
    )
    return sql, params


def _sample_share(ids, day, since, percent) -> tuple[str, list]:
    """At least `percent` % of each school's active people (rounded up, as Cycle.daily_count).

    Who: those not tested for longest first (no live sample since the cycle began, then the
    oldest last sample), so after the whole-school round the days rotate through everyone:
    its first day's people come before its second day's, and a person sampled today goes to
    the back. Ties (never tested this cycle: new pupils, or a school that scans nothing) are
    broken by a fixed multiplicative hash of the person's id rather than by id, so the picks
    spread over the classes instead of taking the oldest rows' class first; being a function
    of the data only, the same day run twice picks the same people."""
    source, params = _todays_rounds(ids, day, RoundScope.SHARE)
    since_at = connection.ops.adapt_datetimefield_value(
        timezone.make_aware(datetime.combine(since, time.min)))
    last = (f"SELECT t.school_id, t.person_id, MAX(t.scanned_at) AS last_at FROM {T_SAMPLE} t "  # noqa: S608
            f"WHERE t.school_id IN ({_in(ids)}) AND t.removed_at IS NULL "
            "AND t.person_id IS NOT NULL AND t.scanned_at >= %s GROUP BY t.school_id, t.person_id")
    source = source.replace(
        "WHERE p.active", f"LEFT JOIN ({last}) l ON l.school_id = p.school_id "
        "AND l.person_id = p.id WHERE p.active", 1)
    sql = (
        f"INSERT INTO {T_MEMBER} (school_id, round_id, person_id, planned_day) "  # noqa: S608
        "SELECT school_id, round_id, person_id, day FROM ("
        "SELECT p.school_id AS school_id, r.id AS round_id, p.id AS person_id, r.day AS day, "
        "ROW_NUMBER() OVER (PARTITION BY p.school_id ORDER BY l.last_at IS NOT NULL, "
        "l.last_at, (p.id * 2654435761) %% 4294967291, p.id) AS rn, "
        f"COUNT(*) OVER (PARTITION BY p.school_id) AS n {source}) x "
        "WHERE x.rn <= (x.n * %s + 99) / 100 ON CONFLICT DO NOTHING"
    )
    return sql, [*ids, since_at, *params, percent]
