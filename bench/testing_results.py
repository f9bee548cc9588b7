"""Importing a lab's results for 10,000 pooled tubes (pools of 10, 100,000 samples) with 1 %
positive, end to end: read the .xlsx, check every row against the tubes, write the results,
recompute the statuses of the positive pools' 1,000 members (isolation) and open their
1,000 single-tube recheck follow-ups (their class teachers told). Target under 10 s on
2 cores with PostgreSQL.

The school is the largest of the province in the database (one is generated when there is
none, or `--persons N` of them); its tubes and samples are written set-based by PostgreSQL
(INSERT ... SELECT over generate_series, not timed): everyone of the school sampled once a
round, as many rounds as 100,000 samples need. Everything is rolled back afterwards unless
the database is the benchmark's own scratch database.
"""

import io
import sys
import time
from datetime import timedelta
from functools import partial

from bench import Context, Result, benchmark, measured, say

TUBES = 10_000
POOL = 10
POSITIVE_EVERY = 100  # 1 % of the tubes
TARGET_SECONDS = 10
PROVINCE = "410000"
PROVINCE_PERSONS = 200_000  # generated when the database holds no province yet
SEED = 2022


_say = partial(say, "testing_results")


@benchmark("testing_results")
def testing_results(ctx: Context) -> list[Result]:
    outcome = measured(ctx, lambda: _run(ctx.persons or PROVINCE_PERSONS))
    return [
        Result("testing_results", outcome["seconds"], "s", f"< {TARGET_SECONDS} s"),
        Result("testing_results_rechecks", outcome["rechecks"], "follow-ups",
               f"{TUBES // POSITIVE_EVERY * POOL:,} (every positive pool's member)"),
    ]


def _run(persons: int) -> dict:
    from apps.testing.services.results import lab_rows_from_file, results_import

    school = _largest_school(persons)
    actor = _importer(school)
    barcodes = _tubes_and_samples(school)
    data = _lab_file(barcodes)
    _say(f"{len(barcodes):,} tubes of {school.name}; importing a {len(data) // 1024} KB file")
    started = time.monotonic()
    rows = lab_rows_from_file("检测结果.xlsx", data)
    read = time.monotonic() - started
    outcome = results_import(actor=actor, school=school, rows=rows)
    seconds = time.monotonic() - started
    if not outcome.applied or outcome.resulted != len(barcodes):
        raise RuntimeError(f"import refused: {outcome.errors[:5]}")
    _say(f"read in {read:.1f} s; {outcome.resulted:,} results, {outcome.positive_tubes} "
         f"positive pools, {outcome.isolated:,} members isolated, {outcome.recomputed:,} "
         f"statuses recomputed, {outcome.rechecks_created:,} rechecks in {seconds:.1f} s")
    return {"seconds": seconds, "rechecks": outcome.rechecks_created}


def _largest_school(persons: int):
    from django.db.models import Count

    from apps.demo.progress import ProgressBar
    from apps.demo.services import province_generate
    from apps.orgs.models import School
    from apps.people.models import Person

    if not Person.objects.filter(school__province_code=PROVINCE).exists():
        province_generate(province_code=PROVINCE, persons=persons, seed=SEED,
                          progress=ProgressBar("testing_results: province", stream=sys.stderr))
    top = (Person.objects.filter(school__province_code=PROVINCE, active=True)
           .values("school_id").annotate(n=Count("id")).order_by("-n").first())
    return School.objects.get(pk=top["school_id"])


def _importer(school):
    from apps.access.models import RoleAssignment, User

    user = User.objects.create_user(username=f"bench-results-{time.time_ns()}",
                                    display_name="bench")
    RoleAssignment.objects.create(user=user, role="school_admin", school=school)
    return user


_TUBES = """
INSERT INTO testing_tube (school_id, round_id, barcode, pool_size, station, single_reason,
                          opened_by_id, opened_at, closed_at, status, result, result_at,
                          result_imported_by_id, recheck_of_id, client_id)
SELECT %(school)s, (%(rounds)s::bigint[])[1 + (g * %(pool)s) / %(per_round)s],
       %(prefix)s || lpad(g::text, 6, '0'), %(pool)s, '1', '', NULL,
       %(closed)s - interval '10 minutes', %(closed)s, 'closed', '', NULL, NULL, NULL,
       %(prefix)s || g
  FROM generate_series(0, %(tubes)s - 1) g
"""
_SAMPLES = """
INSERT INTO testing_sample (school_id, round_id, tube_id, person_id, scanned_at, scanned_by_id,
                            client_id, removed_at, recheck)
SELECT %(school)s, t.round_id, t.id, p.id, t.opened_at, NULL, %(prefix)s || 's' || k, NULL,
       false
  FROM generate_series(0, %(tubes)s * %(pool)s - 1) k
  JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn
          FROM people_person WHERE school_id = %(school)s AND active) p
    ON p.rn = k %% %(per_round)s
  JOIN testing_tube t
    ON t.school_id = %(school)s AND t.barcode = %(prefix)s || lpad((k / %(pool)s)::text, 6, '0')
"""


def _tubes_and_samples(school) -> list[str]:
    """TUBES closed pools of POOL, everyone of the school once a round (a whole number of
    pools a round), as many rounds as needed; returns the barcodes."""
    from django.db import connection
    from django.utils import timezone

    from apps.people.models import Person
    from apps.testing.models import TestRound

    size = Person.objects.filter(school=school, active=True).count()
    per_round = size // POOL * POOL
    rounds = -(-TUBES * POOL // per_round)
    today = timezone.localdate()
    ids = [TestRound.objects.create(school=school, name=f"bench {i + 1}", day=today,
                                    status="closed").pk for i in range(rounds)]
    prefix = f"B{time.time_ns() % 10**6:06d}-"
    params = {"school": school.pk, "rounds": ids, "pool": POOL, "per_round": per_round,
              "tubes": TUBES, "prefix": prefix, "closed": timezone.now() - timedelta(hours=3)}
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(_TUBES, params)
        cursor.execute(_SAMPLES, params)
        samples = cursor.rowcount
        cursor.execute("ANALYZE testing_tube; ANALYZE testing_sample")
    _say(f"{TUBES:,} tubes, {samples:,} samples of {size:,} persons in {rounds} rounds "
         f"written in {time.monotonic() - started:.1f} s")
    return [f"{prefix}{g:06d}" for g in range(TUBES)]


def _lab_file(barcodes: list[str]) -> bytes:
    """The lab's workbook: barcode, result (1 % 阳性), time tested."""
    import xlsxwriter
    from django.utils import timezone

    tested = timezone.localtime() - timedelta(minutes=30)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("结果")
    sheet.write_row(0, 0, ["样本管号", "检测结果", "检测时间"])
    stamp = tested.strftime("%Y-%m-%d %H:%M")
    for i, barcode in enumerate(barcodes, start=1):
        positive = i % POSITIVE_EVERY == 37
        sheet.write_row(i, 0, [barcode, "阳性" if positive else "阴性", stamp])
    book.close()
    return buffer.getvalue()
