"""Daily reports drafted for every school of the province (PostgreSQL): `daily_reports`, the
periodic task's own call (apps.reports.drafting.reports_draft) for the 51,000 schools of the
3 M province, set-based: one grouped query per figure over every school, the deadlines from
the schools' effective policies, one INSERT of the new drafts with ids drawn first. Then
`daily_reports_refresh`, the same call again (every draft exists: one UPDATE of them all).

The province is the one the other benchmarks reuse (ensure_province). The province runs the
routine pack; on someone's DATABASE_URL everything is rolled back."""

import time
from functools import partial

from bench import Context, Result, benchmark, measured, say
from bench.province import PERSONS, SCHOOLS, choose_pack, ensure_province

TARGET_S = 30.0

_say = partial(say, "daily_reports")


@benchmark("daily_reports")
def daily_reports(ctx: Context) -> list[Result]:
    persons = ctx.persons or PERSONS
    ensure_province("daily_reports", persons=persons,
                    schools=None if ctx.persons else SCHOOLS)
    outcome = measured(ctx, _run)
    return [
        Result("daily_reports", outcome["draft_s"], "s",
               f"< {TARGET_S:.0f} s: {outcome['schools']:,} schools' reports drafted"),
        Result("daily_reports_refresh", outcome["refresh_s"], "s",
               f"< {TARGET_S:.0f} s: the same drafts refreshed"),
    ]


def _run() -> dict:
    from django.db import connection
    from django.utils import timezone

    from apps.reports.drafting import reports_draft
    from apps.reports.models import DailyReport

    choose_pack("routine")
    day = timezone.localdate()
    DailyReport.objects.filter(day=day).delete()  # a run before this one on a kept database
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_dailyreport")
    started = time.monotonic()
    first = reports_draft(day=day)
    draft_s = time.monotonic() - started
    _say(f"drafted {first['drafted']:,} reports in {draft_s:.1f} s")
    started = time.monotonic()
    again = reports_draft(day=day)
    refresh_s = time.monotonic() - started
    _say(f"refreshed {again['refreshed']:,} drafts in {refresh_s:.1f} s")
    if again["drafted"] or again["refreshed"] != first["drafted"]:
        raise RuntimeError(f"drafting is not idempotent: {first} then {again}")
    return {"schools": first["drafted"], "draft_s": draft_s, "refresh_s": refresh_s}
