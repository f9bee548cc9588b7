"""Generating the province: 3,000,000 persons on PostgreSQL in under 10 minutes (2 cores)."""

import sys
import time

from bench import Context, Result, benchmark, measured

PERSONS = 3_000_000
TARGET_SECONDS = 600


@benchmark("generate_province")
def generate_province(ctx: Context) -> list[Result]:
    from apps.demo.progress import ProgressBar
    from apps.demo.services import province_generate

    persons = ctx.persons or PERSONS
    target = TARGET_SECONDS * persons / PERSONS  # scaled for a quick run with --persons
    bar = ProgressBar("generate_province", stream=sys.stderr)
    started = time.monotonic()

    def run():
        made = province_generate(province_code="410000", persons=persons, seed=2022,
                                 progress=bar)
        return made, time.monotonic() - started

    result, seconds = measured(ctx, run)
    if ctx.scratch:
        seconds = time.monotonic() - started  # with the commit
    rows = result.total_rows
    return [
        Result("generate_province", seconds, "s", f"< {target:.3g} s"),
        Result("generate_province_rate", rows / seconds, "rows/s", f"> {rows / target:.0f} rows/s"),
    ]
