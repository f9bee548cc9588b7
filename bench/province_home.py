"""The home pages a province and a city bureau open, at two sizes of province (PostgreSQL):
Henan with 3,000,000 people in 51,000 schools and Hubei with 1,000,000 in 17,000 (Henan's
share of schools). The figures must not grow with the people: the dashboards read the region
headcount rows (apps.people.headcounts) and the city's ranking of schools by what is late
reads event tables grouped by school (apps/web/urgent.py).

Both provinces come from the demo generator (or are reused when the database holds them).
Today's daily reports are seeded for every school of both, due an hour ago, 90 % submitted
(the rest rank as late), so the ranking has a province's worth of rows to rank. Each page
(GET / through the whole stack, signed in, rendered) is requested REQUESTS times after one
warm-up; the figure is the 95th percentile. The ratio is Henan's p95 over Hubei's, for the
province's home (the city's compares cities of different sizes, so it only informs). The
rankings read what the worker's lateness sweep counted (apps.web.lateness), run once
after the seeding and timed as it runs each minute."""

import statistics
import time
from datetime import timedelta
from functools import partial

from bench import Context, Result, benchmark, measured, say
from bench.province import ensure_province

BIG, SMALL = ("410000", 3_000_000, 51_000), ("420000", 1_000_000, 17_000)
CITIES = {"410000": "410100", "420000": "420100"}  # Zhengzhou, Wuhan
REQUESTS = 200  # p95 of 40 moved by 25 % between runs on a quiet machine
TARGET_MS = 300.0
TARGET_RATIO = 1.2
SUBMITTED_SHARE = 0.9

_say = partial(say, "province_home")


@benchmark("province_home")
def province_home(ctx: Context) -> list[Result]:
    scale = (ctx.persons / BIG[1]) if ctx.persons else 1.0
    outcome = measured(ctx, lambda: _run(scale))
    big, small = outcome["410000"], outcome["420000"]
    people = f"{big['people']:,} people" if big["people"] else ""
    return [
        Result("province_home_p95", big["province"], "ms",
               f"< {TARGET_MS:.0f} ms: the province admin's home, {people}"),
        Result("province_home_p95_small", small["province"], "ms",
               f"the same at {small['people']:,} people (informs)"),
        Result("province_home_ratio", big["province"] / small["province"], "x",
               f"<= {TARGET_RATIO}: p95 at {big['people']:,} over p95 at {small['people']:,}"),
        Result("city_ranking_p95", big["city"], "ms",
               f"< {TARGET_MS:.0f} ms: a city bureau's home with its schools ranked by what is "
               f"late ({big['late']:,} reports late in the province)"),
        Result("city_ranking_p95_small", small["city"], "ms",
               f"the same in the smaller province's capital (informs; ratio "
               f"{big['city'] / small['city']:.2f})"),
        Result("lateness_sweep", outcome["lateness"][1], "s",
               f"the worker's minute count of every school's late items "
               f"({outcome['lateness'][0]:,} schools late in both provinces; informs)"),
    ]


def _run(scale: float) -> dict:
    from django.db import connection

    from apps.people.headcounts import headcounts_refresh
    from apps.web.lateness import lateness_refresh

    found = {}
    for code, persons, schools in (BIG, SMALL):
        _ensure(code, max(1000, round(persons * scale)), max(10, round(schools * scale)))
    started = time.monotonic()
    headcounts_refresh()  # a database generated before the headcounts had none
    _say(f"every school counted and rolled up in {time.monotonic() - started:.1f} s")
    for code, _persons, _schools in (BIG, SMALL):
        _seed_reports(code)
    started = time.monotonic()
    found["lateness"] = (lateness_refresh(), time.monotonic() - started)
    _say(f"the worker's lateness sweep: {found['lateness'][0]:,} schools late, counted in "
         f"{found['lateness'][1]:.2f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for code, _persons, _schools in (BIG, SMALL):
        late = _late_reports(code)
        found[code] = {"people": _people(code), "late": late,
                       "province": _p95(_admin(code, "province", code)),
                       "city": _p95(_admin(code, "city", CITIES[code]))}
        _say(f"{code}: {found[code]}")
    return found


def _ensure(code: str, persons: int, schools: int) -> None:
    import sys

    from apps.demo.progress import ProgressBar
    from apps.demo.services import province_generate
    from apps.people.models import Person

    if code == BIG[0]:
        ensure_province("province_home", persons=persons, schools=schools)
    elif Person.objects.filter(school__province_code=code).count() < persons:
        province_generate(province_code=code, persons=persons, seed=2022, schools=schools,
                          progress=ProgressBar(f"province_home: {code}", stream=sys.stderr))


def _people(code: str) -> int:
    from apps.people.models import RegionHeadcount

    rows = RegionHeadcount.objects.filter(level="province", code=code)
    return sum(r.students + r.staff for r in rows)


def _seed_reports(code: str) -> None:
    """Today's report of every school of the province, due an hour ago, 90 % submitted."""
    from django.db import connection
    from django.utils import timezone

    from apps.core.db import insert_select
    from apps.reports.models import DailyReport

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2022)")
        insert_select(cursor, DailyReport, """
            INSERT INTO reports_dailyreport (school_id, province_code, city_code, county_code,
                                             day, figures, drafted_at, due_at,
                                             status, zero, version, submitted_at, late)
            SELECT s.id, s.province_code, s.city_code, s.county_code, %s, '{}'::jsonb, %s, %s,
                   CASE WHEN r < %s THEN 'submitted' ELSE 'draft' END, false,
                   CASE WHEN r < %s THEN 1 ELSE 0 END,
                   CASE WHEN r < %s THEN %s END, false
              FROM (SELECT id, province_code, city_code, county_code, random() AS r
                      FROM orgs_school WHERE province_code = %s) s
            ON CONFLICT DO NOTHING""",
            [timezone.localdate(now), now, now - timedelta(hours=1), SUBMITTED_SHARE,
             SUBMITTED_SHARE, SUBMITTED_SHARE, now - timedelta(hours=2), code])


def _late_reports(code: str) -> int:
    from apps.reports.models import DailyReport

    return DailyReport.objects.filter(school__province_code=code,
                                      submitted_at__isnull=True).count()


def _admin(code: str, level: str, region: str):
    from apps.access.models import RoleAssignment, User
    from apps.orgs.models import Bureau

    bureau = Bureau.objects.get(level=level, region_id=region)
    role = "province_admin" if level == "province" else "bureau_admin"
    user, _created = User.objects.get_or_create(username=f"bench-home-{level}-{region}")
    RoleAssignment.objects.get_or_create(user=user, role=role, bureau=bureau)
    return user


def _p95(user) -> float:
    """GET / as the user REQUESTS times after a warm-up; the 95th percentile in ms."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    client.get("/")
    times = []
    for _n in range(REQUESTS):
        started = time.perf_counter()
        response = client.get("/")
        times.append(1000 * (time.perf_counter() - started))
        if response.status_code != 200:
            raise RuntimeError(f"/ as {user.username}: {response.status_code}")
    return statistics.quantiles(times, n=20)[18]
