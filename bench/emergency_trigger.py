"""One case report against a province shaped like Henan: 51,000 schools and 3,000,000 people
with trips, households and exposures (PostgreSQL). Timed end to end: the report recorded,
every reached school's trigger created, every trace-back list built, every follow-up assigned
and the notifications written; target under 60 s on 2 cores. Each phase is printed.

The province comes from the demo generator with --schools 51000 (or is reused when the
database holds one at least that large); trip legs are written set-based by PostgreSQL (the
policy_recompute benchmark's generator, three legs a person, 1 % of them to or from 100
counties of which the reported one is the province's), then 0.1 % of the people declare an
exposure. The report is for that county of the province: trigger 2, so every school is
reached, and its residents are on the lists too.
"""

import random
import time
from functools import partial

from bench import Context, Result, benchmark, measured, say
from bench.policy_recompute import _area_codes, _write_legs
from bench.province import PROVINCE, SEED, choose_pack, ensure_province, province_admin

PERSONS = 3_000_000
SCHOOLS = 51_000
LEGS_PER_PERSON = 3
EXPOSURE_SHARE = 0.001
TARGET_SECONDS = 60


_say = partial(say, "emergency_trigger")


@benchmark("emergency_trigger")
def emergency_trigger(ctx: Context) -> list[Result]:
    persons = ctx.persons or PERSONS
    schools = max(10, round(SCHOOLS * persons / PERSONS))
    outcome = measured(ctx, lambda: _run(persons, schools))
    target = TARGET_SECONDS * persons / PERSONS
    results = [Result("emergency_trigger", outcome["seconds"], "s", f"< {target:.3g} s")]
    for phase, seconds in outcome["phases"].items():
        results.append(Result(f"emergency_trigger_{phase}", seconds, "s", "a phase of the above"))
    results += [
        Result("emergency_trigger_schools", outcome["triggers"], "triggers", f"{schools} schools"),
        Result("emergency_trigger_traced_people", outcome["followups"], "follow-ups",
               "one per traced person"),
    ]
    return results


def _run(persons: int, schools: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from apps.emergency.reports import case_report_enter
    from apps.emergency.triggers import alert_fire
    from apps.travel.models import TripLeg

    ensure_province("emergency_trigger", persons=persons, schools=schools)
    choose_pack("henan-2022")
    areas = _area_codes(random.Random(SEED))
    home = next(code for code in areas if code.startswith(PROVINCE[:2]))
    if TripLeg.objects.count() < persons:
        _write_legs(persons * LEGS_PER_PERSON, areas)
        _write_exposures(areas)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    actor = province_admin("bench-province")
    phases: dict = {}
    _say(f"reporting local cases in {home}")
    started = time.monotonic()
    report = case_report_enter(actor=actor, region=home, reported_on=timezone.localdate(),
                               cases=3, source="bench")
    phases["report"] = time.monotonic() - started
    result = alert_fire(report_id=report.pk, timings=phases)
    seconds = time.monotonic() - started
    _say(f"{result.triggers:,} triggers, {result.hits:,} links, {result.followups:,} "
         f"follow-ups, {result.notifications:,} notifications in {seconds:.1f} s")
    return {"seconds": seconds, "phases": phases, "triggers": result.triggers,
            "followups": result.followups}


def _write_exposures(areas: list[str]) -> int:
    """0.1 % of the people declare contact with a case in one of the counties, last week."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO travel_exposure (school_id, person_id, kind, "on", region_id, detail,
                                         declared_by_id, declared_at, client_id)
            SELECT p.school_id, p.id, 'case', CURRENT_DATE - (1 + floor(random() * 7))::int,
                   (%(areas)s::text[])[1 + floor(random() * %(n)s)::int], '', NULL, now(), ''
              FROM people_person p WHERE random() < %(share)s""",
                       {"areas": areas, "n": len(areas), "share": EXPOSURE_SHARE})
        return cursor.rowcount
