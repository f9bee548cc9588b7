"""After 100 new risk-area designations, recompute everyone affected in a province of
3,000,000 persons with 30,000,000 trip legs: target under 60 s (2 cores, PostgreSQL).

The province comes from the demo generator (or is reused when the database already holds
one at least that large); the trip legs are written set-based by PostgreSQL itself
(INSERT ... SELECT over generate_series, secondary indexes deferred): nine legs per person
and one for some co-residents of day students, dated over the last 90 days, about 1 % of
them to or from the counties about to be designated and the rest between ordinary regions.
Then 100 designations are made (99 counties in other provinces, one county of the
province, whose residents are concerned too) and `status_recompute_for_risk_change` is
timed over all of them, under the 2022 Henan pack.
"""

import random
import time
from datetime import timedelta
from functools import partial

from bench import Context, Result, benchmark, measured, say
from bench.province import choose_pack, ensure_province

PERSONS = 3_000_000
LEGS_PER_PERSON = 10  # 30,000,000 legs for 3,000,000 persons
HOUSEHOLD_SHARE = 0.1  # of the legs, travelled by a co-resident of a day student
AREAS = 100
AREA_LEG_SHARE = 0.01  # legs to or from a county about to be designated
HISTORY_DAYS = 90  # legs are dated over this many past days
TARGET_SECONDS = 60
PROVINCE = "410000"
SEED = 2022


_say = partial(say, "policy_recompute")


@benchmark("policy_recompute")
def policy_recompute(ctx: Context) -> list[Result]:
    persons = ctx.persons or PERSONS
    outcome = measured(ctx, lambda: _run(persons))
    target = TARGET_SECONDS * persons / PERSONS  # scaled for a quick run with --persons
    return [
        Result("policy_recompute", outcome["seconds"], "s", f"< {target:.3g} s"),
        Result("policy_recompute_persons", outcome["recomputed"], "persons",
               "every person concerned"),
    ]


def _run(persons: int) -> dict:
    from apps.status.services import status_recompute_for_risk_change

    ensure_province("policy_recompute", persons=persons)
    choose_pack("henan-2022")
    rng = random.Random(SEED)
    areas = _area_codes(rng)
    legs = _write_legs(persons * LEGS_PER_PERSON, areas)
    area_ids = _designate(areas)
    _say(f"{legs:,} trip legs, {len(area_ids)} designations; recomputing")
    started = time.monotonic()
    recomputed = status_recompute_for_risk_change(area_ids=area_ids)
    seconds = time.monotonic() - started
    _say(f"{recomputed:,} persons recomputed in {seconds:.1f} s")
    return {"seconds": seconds, "recomputed": recomputed}


def _area_codes(rng: random.Random) -> list[str]:
    """99 current counties of other provinces and one of the province, drawn with a seed."""
    from apps.regions.models import Region

    counties = Region.objects.filter(level="county", valid_to__isnull=True).order_by("code")
    home = list(counties.filter(code__startswith=PROVINCE[:2]).values_list("code", flat=True))
    away = list(counties.exclude(code__startswith=PROVINCE[:2]).values_list("code", flat=True))
    return sorted(rng.sample(away, AREAS - 1) + rng.sample(home, 1))


def _ordinary_codes(areas: list[str]) -> list[str]:
    from apps.regions.models import Region

    counties = Region.objects.filter(level="county", valid_to__isnull=True)
    return list(counties.exclude(code__in=areas).order_by("code").values_list("code", flat=True))


# One expression per column of travel_tripleg; a column added to TripLeg that is not named
# here makes the benchmark fail at once rather than write rows the application cannot read.
_LEG_COLUMNS = {
    "school_id": "p.school_id",
    "person_id": "p.id",
    "household_member_id": "{member}",
    "from_region_id": "p.residence_region_id",
    "to_region_id": "(CASE WHEN random() < %(area_share)s "
                    "THEN (%(areas)s::text[])[1 + floor(random() * %(n_areas)s)::int] "
                    "ELSE (%(ordinary)s::text[])[1 + floor(random() * %(n_ordinary)s)::int] END)",
    "depart": "d.day",
    "arrive": "d.day + floor(random() * 2)::int",
    "transport": "(ARRAY['train','flight','car','bus'])[1 + floor(random() * 4)::int]",
    "number": "'G' || (1 + floor(random() * 9000)::int)",
    "declared_by_id": "NULL",
    "declared_at": "now()",
    "client_id": "''",
    "leg_no": "0",
}
_PERSON_LEGS = """
INSERT INTO travel_tripleg ({columns})
SELECT {values}
  FROM people_person p
 CROSS JOIN generate_series(1, %(per_person)s) g
 CROSS JOIN LATERAL (SELECT (%(today)s::date - floor(random() * %(days)s)::int) AS day
                      WHERE g > 0) d
 WHERE p.active AND p.residence_region_id IS NOT NULL
"""
_HOUSEHOLD_LEGS = """
INSERT INTO travel_tripleg ({columns})
SELECT {values}
  FROM people_householdmember h
  JOIN people_person p ON p.id = h.person_id AND p.school_id = h.school_id
 CROSS JOIN LATERAL (SELECT (%(today)s::date - floor(random() * %(days)s)::int) AS day
                      WHERE h.id > 0) d
 WHERE p.active AND p.residence_region_id IS NOT NULL AND random() < %(member_share)s
"""


def legs_sql(template: str, member: str, expressions: dict | None = None) -> str:
    """The INSERT of `template` with one expression per travel_tripleg column (_LEG_COLUMNS
    unless `expressions` are given)."""
    from apps.travel.models import TripLeg

    expressions = expressions or _LEG_COLUMNS
    columns = [f.column for f in TripLeg._meta.concrete_fields if not f.primary_key]
    if set(columns) != set(expressions):
        raise RuntimeError(f"travel_tripleg columns changed: {sorted(columns)}")
    values = ", ".join(expressions[c].replace("{member}", member) for c in columns)
    return template.format(columns=", ".join(columns), values=values)


def _write_legs(total: int, areas: list[str]) -> int:
    """About `total` legs, written by PostgreSQL in two statements, indexes built after."""
    from django.db import connection
    from django.utils import timezone

    from apps.demo.writer import secondary_indexes_deferred
    from apps.people.models import HouseholdMember, Person
    from apps.travel.models import TripLeg

    persons = Person.objects.filter(active=True).count()
    members = HouseholdMember.objects.count() or 1
    ordinary = _ordinary_codes(areas)
    params = {
        "area_share": AREA_LEG_SHARE, "areas": areas, "n_areas": len(areas),
        "ordinary": ordinary, "n_ordinary": len(ordinary), "today": timezone.localdate(),
        "days": HISTORY_DAYS,
        "per_person": max(1, round(total * (1 - HOUSEHOLD_SHARE) / max(persons, 1))),
        "member_share": min(1.0, total * HOUSEHOLD_SHARE / members),
    }
    started = time.monotonic()
    with secondary_indexes_deferred([TripLeg]), connection.cursor() as cursor:
        cursor.execute(legs_sql(_PERSON_LEGS, "NULL"), params)
        written = cursor.rowcount
        cursor.execute(legs_sql(_HOUSEHOLD_LEGS, "h.id"), params)
        written += cursor.rowcount
        _say(f"{written:,} legs inserted in {time.monotonic() - started:.0f} s; indexing")
    _say(f"legs written and indexed in {time.monotonic() - started:.0f} s")
    return written


def _designate(areas: list[str]) -> list[int]:
    """The 100 new designations, high and medium risk, from a week ago."""
    from django.db import connection
    from django.utils import timezone

    from apps.risk.models import RiskArea

    start = timezone.localdate() - timedelta(days=7)
    rows = RiskArea.objects.bulk_create([
        RiskArea(region_id=code, level="high" if i % 3 == 0 else "medium", start=start,
                 source="bench")
        for i, code in enumerate(areas)
    ])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE travel_tripleg, risk_riskarea, status_personstatus")
    return [row.pk for row in rows]
