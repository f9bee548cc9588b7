"""Generating the province: 3,000,000 persons in 51,000 schools on PostgreSQL in under 10
minutes (2 cores). The harness runs it first, and on its scratch database the province it
makes is the one every other benchmark reuses (bench.province): one province a run."""

import sys
import time

from bench import Context, Result, benchmark, measured
from bench.province import PROVINCE, SCHOOLS

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
        made = province_generate(province_code=PROVINCE, persons=persons, seed=2022,
                                 schools=max(10, round(SCHOOLS * persons / PERSONS)),
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
