"""Emergency plans at the scale of Henan's 51,000 schools (PostgreSQL): the province admin's
readiness overview (each school's task force, plan version and last drill, and the counts of
schools without) and starting one school's plan as a checklist.

The province comes from the demo generator with --schools 51000 (or is reused when the
database holds one at least that large; persons are few, the figures depend on schools).
Task forces (3 members) are written set-based for 90 % of the schools, a plan (the junior
template's steps) for 80 %, a finished drill in the last year for 50 %. Then, for the
province admin: `plans_readiness`, every one of the 51,000 schools' rows (task force size,
plan version, last drill) read to the last and the three counts over all of them (what an
export of the province's readiness needs); `plans_readiness_page`, the page a province admin
opens (GET /emergency/plans/ through the whole request: session, middleware, the counts over
all schools and the first rows the page lists, rendered); and `plan_run_start` for 200
schools one after another (each: plan read, run, 17 tasks by duty, inbox messages).
"""

import json
import time
from functools import partial

from bench import Context, Result, benchmark, measured, say
from bench.policy_recompute import PROVINCE
from bench.province import ensure_province, province_admin

SCHOOLS = 51_000
PERSONS_PER_SCHOOL = 10
RUNS = 200
TARGET_READINESS_MS = 2000.0
TARGET_RUN_MS = 100.0


_say = partial(say, "plans_readiness")


@benchmark("plans_readiness")
def plans_readiness(ctx: Context) -> list[Result]:
    schools = SCHOOLS if not ctx.persons else max(10, ctx.persons // PERSONS_PER_SCHOOL)
    outcome = measured(ctx, lambda: _run(schools))
    return [
        Result("plans_readiness", outcome["readiness_ms"], "ms",
               f"< {TARGET_READINESS_MS:.0f} ms: all {outcome['schools']:,} schools' rows "
               "and the counts"),
        Result("plans_readiness_page", outcome["page_ms"], "ms",
               f"< {TARGET_READINESS_MS:.0f} ms: the province admin's page, "
               f"{outcome['page_rows']:,} rows listed, counts over all"),
        Result("plans_run_start", outcome["run_ms"], "ms/school",
               f"< {TARGET_RUN_MS:.0f} ms ({RUNS} schools, {outcome['tasks']:,} tasks)"),
    ]


def _run(schools: int) -> dict:
    from django.db import connection

    from apps.emergency.plans import plan_run_start
    from apps.emergency.selectors import schools_readiness
    from apps.orgs.models import School

    ensure_province("plans_readiness", persons=schools * PERSONS_PER_SCHOOL, schools=schools)
    _seed_readiness()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    admin = province_admin("bench-plans-province")
    started = time.monotonic()
    rows, totals = schools_readiness(user=admin, limit=None)
    rows = list(rows)
    readiness = time.monotonic() - started
    if len(rows) != totals["schools"]:
        raise RuntimeError(f"{len(rows)} rows read for {totals['schools']} schools")
    _say(f"readiness of {totals['schools']:,} schools, every row, in {readiness:.2f} s: "
         f"{totals['no_task_force']:,} without a task force, {totals['no_plan']:,} without a "
         f"plan, {totals['no_recent_drill']:,} without a drill")
    page_ms, page_rows = _page(admin)
    _say(f"the page: {page_ms:.0f} ms, {page_rows} rows listed")
    school_ids = list(School.objects.filter(province_code=PROVINCE, task_force__lead=True)
                      .values_list("pk", flat=True).order_by("pk")[:RUNS])
    tasks = 0
    started = time.monotonic()
    for school_id in school_ids:
        run = plan_run_start(actor=admin, school_id=school_id)
        tasks += len(run.plan.steps)
    run_ms = 1000 * (time.monotonic() - started) / max(1, len(school_ids))
    _say(f"{len(school_ids)} plan runs, {tasks:,} tasks, {run_ms:.1f} ms a school")
    return {"readiness_ms": 1000 * readiness, "schools": totals["schools"], "run_ms": run_ms,
            "tasks": tasks, "page_ms": page_ms, "page_rows": page_rows}


def _page(admin) -> tuple[float, int]:
    """GET /emergency/plans/ as the province admin (signed in), timed the second time (the
    first loads the templates); and how many rows the page lists."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(admin)
    url = reverse("emergency:plans")
    for _attempt in range(2):
        started = time.monotonic()
        response = client.get(url)
        seconds = time.monotonic() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
    return 1000 * seconds, _page_limit()


def _page_limit() -> int:
    """How many rows the page lists (the selector's cap; the counts cover every school)."""
    import inspect

    from apps.emergency.selectors import schools_readiness

    return inspect.signature(schools_readiness).parameters["limit"].default


def _seed_readiness() -> None:
    """Task forces, plans and drills for most schools, written by PostgreSQL itself."""
    from django.db import connection

    from apps.emergency.plan_versions import plan_templates_read

    steps = json.dumps(plan_templates_read()["junior"]["steps"], ensure_ascii=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2022)")
        cursor.execute("""
            CREATE TEMP TABLE bench_ready ON COMMIT DROP AS
            SELECT id, random() AS r FROM orgs_school WHERE province_code = %s""", [PROVINCE])
        cursor.execute("""
            INSERT INTO emergency_taskforcemember (school_id, user_id, name, duty, organisation,
                                                   phone, email, external, lead)
            SELECT s.id, NULL, m.name, m.duty, m.org, '13800138000', '', m.ext, m.lead
              FROM bench_ready s
              CROSS JOIN (VALUES ('校长', 'leader', '', false, true),
                                 ('副校长', 'deputy', '', false, false),
                                 ('疾控联络员', 'cdc', '区疾控中心', true, false))
                   AS m(name, duty, org, ext, lead)
             WHERE s.r < 0.9
            ON CONFLICT DO NOTHING""")
        cursor.execute("""
            INSERT INTO emergency_schoolplan (school_id, template_id, version, steps,
                                              edited_by_id, edited_at)
            SELECT id, NULL, 1, %s::jsonb, NULL, now() FROM bench_ready WHERE r < 0.8
            ON CONFLICT DO NOTHING""", [steps])
        cursor.execute("""
            INSERT INTO emergency_drill (school_id, scenario, scheduled_for, started_at,
                                         finished_at, trigger_id, participants, findings,
                                         created_by_id)
            SELECT id, 'bench', now() - interval '30 days', now() - interval '30 days',
                   now() - interval '30 days' + interval '2 hours', NULL, 20, '', NULL
              FROM bench_ready WHERE r < 0.5""")
