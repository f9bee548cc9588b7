"""Switching the henan-2022 layer on, then off again, for the province of 3,000,000 persons:
each switch's recompute under 60 s (2 cores, PostgreSQL), by the production path.

The province comes from the demo generator (or is reused), running `routine`. A fortnight of
travel is written set-based by PostgreSQL: TRAVELLER_SHARE of the persons came home within
the last 14 days, a third of them from another province (whom the layer makes key
population) and the rest from another city of Henan. Then, as a province admin would, the
switch to henan-2022 is scheduled (policy_switch_schedule) for a moment later, and once that
moment has passed the worker's periodic task (apps.policy.tasks.apply_due_switches) claims it
and, in its one transaction, sets the choice and recomputes every person the switch may
concern (switch_candidates: one query over the whole province, then the engine over those
it finds). That task is timed; then the same for the switch back to routine.
"""

import time
from datetime import timedelta
from functools import partial

from bench import Context, Result, benchmark, measured, say
from bench.province import PROVINCE, choose_pack, ensure_province, province_admin

PERSONS = 3_000_000
TRAVELLER_SHARE = 0.03  # came home within the fortnight: 90,000 of 3,000,000
OTHER_PROVINCE_SHARE = 1 / 3  # of them, from another province
DAYS = 14
TARGET_SECONDS = 60

_say = partial(say, "policy_layer_switch")

# One expression per column of travel_tripleg (bench.policy_recompute.legs_sql checks them):
# a leg home, from another province's county or another Henan city's.
_HOME_LEG = {
    "school_id": "p.school_id",
    "person_id": "p.id",
    "household_member_id": "{member}",
    "from_region_id": "(CASE WHEN random() < %(other_share)s "
                      "THEN (%(away)s::text[])[1 + floor(random() * %(n_away)s)::int] "
                      "ELSE (%(henan)s::text[])[1 + floor(random() * %(n_henan)s)::int] END)",
    "to_region_id": "p.residence_region_id",
    "depart": "d.day",
    "arrive": "d.day",
    "transport": "(ARRAY['train','flight','car','bus'])[1 + floor(random() * 4)::int]",
    "number": "'G' || (1 + floor(random() * 9000)::int)",
    "declared_by_id": "NULL",
    "declared_at": "now()",
    "client_id": "''",
    "leg_no": "0",
}
_TRAVELLERS = """
INSERT INTO travel_tripleg ({columns})
SELECT {values}
  FROM people_person p
 CROSS JOIN LATERAL (SELECT (%(today)s::date - 1 - floor(random() * %(days)s)::int) AS day
                      WHERE p.id > 0) d
 WHERE p.active AND p.residence_region_id IS NOT NULL AND random() < %(share)s
   AND p.school_id IN (SELECT id FROM orgs_school WHERE province_code = %(province)s)
"""


@benchmark("policy_layer_switch")
def policy_layer_switch(ctx: Context) -> list[Result]:
    persons = ctx.persons or PERSONS
    outcome = measured(ctx, lambda: _run(persons))
    target = f"< {TARGET_SECONDS * persons / PERSONS:.3g} s"  # scaled for --persons
    found = (f"{outcome['province']:,} persons in the province; {outcome['legs']:,} came home "
             "within 14 days")
    return [
        Result("policy_layer_switch_on", outcome["on"][0], "s", target),
        Result("policy_layer_switch_off", outcome["off"][0], "s", target),
        Result("policy_layer_switch_persons", outcome["on"][1], "persons",
               f"recomputed by each switch, found set-based ({found})"),
    ]


def _run(persons: int) -> dict:
    from apps.people.models import Person

    ensure_province("policy_layer_switch", persons=persons)
    choose_pack("routine")
    legs = _write_travel()
    admin = province_admin("bench_policy_switch")
    on = _switch(admin, "henan-2022")
    off = _switch(admin, "routine")
    province = Person.objects.filter(school__province_code=PROVINCE, active=True).count()
    return {"on": on, "off": off, "legs": legs, "province": province}


def _switch(admin, pack_id: str) -> tuple[float, int]:
    """Schedule the switch a moment ahead, wait for the moment, run the periodic task."""
    from django.utils import timezone

    from apps.policy.models import PolicySwitch
    from apps.policy.selectors import pack_get
    from apps.policy.services import policy_switch_schedule
    from apps.policy.tasks import apply_due_switches

    switch = policy_switch_schedule(
        actor=admin, province_code=PROVINCE, pack_id=pack_id,
        pack_version=str(pack_get(pack_id).version),
        effective_from=timezone.now() + timedelta(seconds=1), reason="bench")
    time.sleep(1.5)
    started = time.monotonic()
    applied = apply_due_switches.call()
    seconds = time.monotonic() - started
    switch = PolicySwitch.objects.get(pk=switch.pk)
    if applied != 1 or switch.state != "applied":
        raise RuntimeError(f"the switch to {pack_id} was not applied: {switch.state}")
    _say(f"switch to {pack_id}: {switch.recomputed:,} persons recomputed in {seconds:.1f} s")
    return seconds, switch.recomputed


def _write_travel() -> int:
    from django.db import connection
    from django.utils import timezone

    from apps.regions.models import Region
    from bench.policy_recompute import legs_sql

    counties = Region.objects.filter(level="county", valid_to__isnull=True).order_by("code")
    henan = list(counties.filter(code__startswith=PROVINCE[:2]).values_list("code", flat=True))
    away = list(counties.exclude(code__startswith=PROVINCE[:2]).values_list("code", flat=True))
    params = {"other_share": OTHER_PROVINCE_SHARE, "away": away, "n_away": len(away),
              "henan": henan, "n_henan": len(henan), "today": timezone.localdate(),
              "days": DAYS - 1, "share": TRAVELLER_SHARE, "province": PROVINCE}
    with connection.cursor() as cursor:
        cursor.execute(legs_sql(_TRAVELLERS, "NULL", _HOME_LEG), params)
        written = cursor.rowcount
        cursor.execute("ANALYZE travel_tripleg, status_personstatus")
    _say(f"{written:,} persons came home within {DAYS} days")
    return written
