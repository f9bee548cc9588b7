"""The school-year rollover of a province of 3,000,000 persons, applied by its province
admin in one transaction: every school's grades move up, the last grade graduates (its
people inactive, each with a history row), the intake grade opens new classes. Target
under 120 s (2 cores, PostgreSQL). The transaction is rolled back afterwards, so the
province stays as it was for the other benchmarks.

The province comes from the demo generator (or is reused when the database already holds
one at least that large): schools of every kind, their grades named as schools name them
(七年级, 高一年级, 小班; colleges and departments stay as they are).
"""

import time
from functools import partial

from bench import Context, Result, benchmark, say, undone
from bench.province import ensure_province, province_admin

PERSONS = 3_000_000
TARGET_SECONDS = 120

_say = partial(say, "rollover")


@benchmark("rollover")
def rollover(ctx: Context) -> list[Result]:
    persons = ctx.persons or PERSONS
    outcome = undone(lambda: _run(persons))
    target = TARGET_SECONDS * persons / PERSONS  # scaled for a quick run with --persons
    return [
        Result("rollover", outcome["seconds"], "s", f"< {target:.3g} s"),
        Result("rollover_graduates", outcome["graduates"], "persons",
               f"graduated in {outcome['schools']:,} schools, "
               f"{outcome['classes']:,} classes moved up"),
    ]


def _run(persons: int) -> dict:
    from apps.schoolyear.services import next_school_year, school_year_rollover

    ensure_province("rollover", persons=persons)
    actor = province_admin("bench-province")
    _say("rolling every school over")
    started = time.monotonic()
    plan = school_year_rollover(actor=actor, to_year=next_school_year())
    seconds = time.monotonic() - started
    done = [s for s in plan.schools if s.done]
    outcome = {"seconds": seconds, "schools": len(done),
               "graduates": sum(s.graduates for s in done),
               "classes": sum(len(s.classes) for s in done)}
    _say(f"{outcome['schools']:,} schools, {outcome['graduates']:,} graduates, "
         f"{outcome['classes']:,} classes moved up in {seconds:.1f} s")
    return outcome
