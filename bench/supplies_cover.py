"""Days of cover of every supply item of every school of the 3 M province (51,000 schools ×
7 items), PostgreSQL: `supplies_cover`, the selector the bureau list and the daily snapshot
call (apps.supplies.selectors.cover_rows), timed with the schools' least days read from
their effective policies (henan-2022: 7). One set-based statement: schools × catalogue
items, their stock, their use over the last 14 days grouped once, their headcount. Target
< 10 s. Then `supplies_snapshot`, the daily snapshot of it all written (batched upserts).

Every school's stock is set first (a count of each item) and half the schools get a day of
recorded use, so both ways of reckoning daily use (recorded, or the norm × headcount) are
measured. All of it is rolled back: the province stays as it was for the other benchmarks."""

import time
from functools import partial

from bench import Context, Result, benchmark, say, undone
from bench.province import PERSONS, PROVINCE, SCHOOLS, choose_pack, ensure_province

TARGET_S = 10.0

_say = partial(say, "supplies_cover")


@benchmark("supplies_cover")
def supplies_cover(ctx: Context) -> list[Result]:
    persons = ctx.persons or PERSONS
    ensure_province("supplies_cover", persons=persons,
                    schools=None if ctx.persons else SCHOOLS)
    outcome = undone(_run)
    return [
        Result("supplies_cover", outcome["cover_s"], "s",
               f"< {TARGET_S:.0f} s: {outcome['rows']:,} items of {outcome['schools']:,} "
               f"schools, {outcome['below']:,} schools below cover"),
        Result("supplies_snapshot", outcome["snapshot_s"], "s",
               "the day's cover of every school and item written"),
    ]


def _seed(school_ids: list[int]) -> None:
    """A count of every item at every school, and yesterday's use at every other school."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.supplies import catalogue
    from apps.supplies.models import Movement, Stock

    today = timezone.localdate()
    keys = catalogue.keys()
    Stock.objects.bulk_create(
        [Stock(school_id=pk, item=key, quantity=(pk * 7 + n * 13) % 900, counted_on=today)
         for pk in school_ids for n, key in enumerate(keys)], batch_size=10_000)
    Movement.objects.bulk_create(
        [Movement(school_id=pk, item=key, kind="used", quantity=1 + (pk + n) % 40,
                  day=today - timedelta(days=1))
         for pk in school_ids[::2] for n, key in enumerate(keys)], batch_size=10_000)


def _run() -> dict:
    from django.db import connection

    from apps.orgs.models import School
    from apps.supplies.selectors import cover_rows
    from apps.supplies.services import cover_snapshot_take

    choose_pack("henan-2022")
    schools = School.objects.filter(province_code=PROVINCE, active=True)
    ids = list(schools.values_list("pk", flat=True))
    _say(f"stock of {len(ids):,} schools set")
    _seed(ids)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE supplies_stock")
        cursor.execute("ANALYZE supplies_movement")
    started = time.monotonic()
    rows = cover_rows(schools=schools)
    cover_s = time.monotonic() - started
    below = len({r.school_id for r in rows if r.below})
    _say(f"cover of {len(rows):,} items in {cover_s:.1f} s, {below:,} schools below")
    started = time.monotonic()
    written = cover_snapshot_take()
    snapshot_s = time.monotonic() - started
    _say(f"snapshot of {written:,} rows in {snapshot_s:.1f} s")
    return {"cover_s": cover_s, "snapshot_s": snapshot_s, "rows": len(rows),
            "schools": len(ids), "below": below}
