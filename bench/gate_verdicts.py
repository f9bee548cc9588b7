"""The gate-verdict endpoint under load, against a real server, every verdict recorded.

A province of 3,000,000 persons (reused when the database holds one, else generated);
50 terminals (API tokens limited to gate.verdict) at 10 schools scan their people's codes
(80 %) or type their numbers (20 %); most have checked in today. gunicorn (gthread) is
started from .venv on loopback with the project's settings plus a bare view
(bench/gate_server), and an asyncio load generator on raw keep-alive sockets drives it:

(a) maximum sustained throughput with 50 concurrent terminals, and its ratio to the bare
    view (one indexed SELECT through the same middleware) driven the same way;
(b) latency at a fixed open-loop arrival rate of 400 verdicts/s (scheduled by the clock);
(c) a terminal's batch upload after a network drop (records/s), idempotent by client id.

The server is a separate process, so what the benchmark writes is committed: it deletes
its own rows (client ids starting "bench-", its users) when it ends. Server shape:
GATE_BENCH_WORKERS (default 2) × GATE_BENCH_THREADS (default 8).
"""

import json
import os
import random
import time
import uuid
from datetime import timedelta
from functools import partial

from bench import Context, Result, benchmark, say
from bench import gate_load as load
from bench.live import gunicorn
from bench.province import PROVINCE, ensure_province

PERSONS = 3_000_000
SEED = 2022
SCHOOLS = 10  # the largest of the province
TERMINALS = 50
SCANS_PER_SCHOOL = 2000
CHECKED_IN = 0.9  # share of the scanned people with today's check-in
CODE_SHARE = 0.8  # scans by code, the rest by typed number
BATCH_RECORDS = 50_000
BATCH_SIZE = 5000
RATE = 400.0


_say = partial(say, "gate_verdicts")


@benchmark("gate_verdicts")
def gate_verdicts(ctx: Context) -> list[Result]:
    persons = ctx.persons or PERSONS
    ensure_province("gate_verdicts", persons=persons)
    run = f"bench-{uuid.uuid4().hex[:8]}"
    try:
        world = _prepare(run)
        with _server() as (port, _process):
            return _measure("127.0.0.1", port, world, run)
    finally:
        _clean_up(run)


# ---- data ------------------------------------------------------------------------------


def _prepare(run: str) -> dict:
    """Terminals with tokens, the people they scan (codes and numbers), today's check-ins."""
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.access.models import RoleAssignment, User
    from apps.access.services import api_token_create
    from apps.health.models import CheckIn
    from apps.people.codes import personal_code_issue
    from apps.people.models import Person

    rng = random.Random(SEED)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT school_id FROM people_person p JOIN orgs_school s ON s.id = p.school_id "
            "WHERE s.province_code = %s GROUP BY school_id "
            "ORDER BY count(*) DESC, school_id LIMIT %s", [PROVINCE, SCHOOLS])
        schools = [r[0] for r in cursor.fetchall()]
    today = timezone.localdate()
    scans, ids, tokens, checkins = {}, {}, [], []
    with transaction.atomic():
        for n in range(TERMINALS):
            school = schools[n % len(schools)]
            user = User.objects.create_user(username=f"{run}-t{n}")
            RoleAssignment.objects.create(user=user, role="gate_officer", school_id=school)
            _token, raw = api_token_create(user=user, name=f"{run} terminal {n}",
                                           permissions=["gate.verdict", "status.gate"], days=1)
            tokens.append((school, raw))
        for school in schools:
            people = list(Person.objects.filter(school_id=school, active=True)
                          .order_by("pk").values_list("pk", "number")[:SCANS_PER_SCHOOL])
            scans[school] = [
                personal_code_issue(person=_Ref(pk, school)) if rng.random() < CODE_SHARE
                else number for pk, number in people]
            checkins += [CheckIn(school_id=school, person_id=pk, day=today, slot="morning",
                                 temperature=36.5, submitted_as="self",
                                 client_id=f"{run}-{pk}")
                         for pk, _n in people if rng.random() < CHECKED_IN]
            ids[school] = [pk for pk, _n in people]  # for the bare view and the upload
        CheckIn.objects.bulk_create(checkins, batch_size=2000, ignore_conflicts=True)
    # Statistics that know today's check-ins, as autovacuum keeps them on a table that holds
    # every morning's: planned on an empty table's, a scan's read of its person's check-in
    # walks the whole school's day instead of one person's.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE health_checkin")
    _say(f"{len(schools)} schools, {TERMINALS} terminals, {len(checkins):,} check-ins")
    return {"schools": schools, "scans": scans, "ids": ids, "tokens": tokens}


class _Ref:
    def __init__(self, pk, school_id):
        self.pk, self.school_id = pk, school_id


def _clean_up(run: str) -> None:
    """Delete what the run wrote, in SQL: the ORM's cascade from users would touch every
    table that refers to a user, whatever state other apps' migrations are in."""
    from django.db import connection, transaction

    like = f"{run}-%"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM gate_gatecheck WHERE client_id LIKE %s", [like])
            cursor.execute("DELETE FROM health_checkin WHERE client_id LIKE %s", [like])
            users = "SELECT id FROM access_user WHERE username LIKE %s"
            for table in ("access_apitoken", "access_roleassignment", "access_accesslog",
                          "access_historicalroleassignment"):
                cursor.execute(f"DELETE FROM {table} WHERE user_id IN ({users})",  # noqa: S608
                               [like])
            cursor.execute("DELETE FROM access_user WHERE username LIKE %s", [like])
    except Exception as failed:  # noqa: BLE001 (the figures matter more than the tidying)
        _say(f"could not delete the run's rows ({failed}); they carry the prefix {run}")


# ---- the server ------------------------------------------------------------------------

def _server():
    """The project with the bare view, on GATE_BENCH_WORKERS × GATE_BENCH_THREADS, with a
    longer keep-alive and a deeper backlog for 400 terminals' connections."""
    workers = int(os.environ.get("GATE_BENCH_WORKERS", "2"))
    threads = int(os.environ.get("GATE_BENCH_THREADS", "8"))
    _say(f"gunicorn: {workers} workers × {threads} threads")
    return gunicorn(os.environ["DATABASE_URL"], workers=workers, threads=threads,
                    app="bench.gate_server.wsgi:application",
                    settings="bench.gate_server.settings", quiet=False,
                    extra=("--keep-alive", "75", "--backlog", "512"))


# ---- measurements ----------------------------------------------------------------------

def _verdict_request(world: dict, run: str):
    tokens, scans = world["tokens"], world["scans"]
    counter = iter(range(10**9))

    def make(terminal: int, i: int):
        school, raw = tokens[terminal % len(tokens)]
        people = scans[school]
        body = json.dumps({
            "code_or_number": people[(terminal * 7919 + i) % len(people)],
            "temperature": "36.6" if i % 50 else "37.8", "direction": "in",
            "client_id": f"{run}-{next(counter)}", "school_id": school,
        }).encode()
        return ("POST", "/api/v1/gate/verdicts", body,
                {"Authorization": f"Bearer {raw}", "Content-Type": "application/json"})

    return make


def _bare_request(world: dict):
    schools, by_school = world["schools"], world["ids"]

    def make(terminal: int, i: int):
        school = schools[terminal % len(schools)]
        ids = by_school[school]
        return ("GET", f"/bench/bare?school={school}&person={ids[(terminal * 31 + i) % len(ids)]}",
                b"", {})

    return make


def _measure(host: str, port: int, world: dict, run: str) -> list[Result]:
    make = _verdict_request(world, run)
    status, body = load.send_one(host, port, make(0, 0))
    if status != 200:
        raise RuntimeError(f"verdict endpoint answered {status}: {body[:300]!r}")
    verdicts = load.closed_loop(host, port, make, clients=TERMINALS)
    _report("verdicts, 50 terminals", verdicts)
    bare = load.closed_loop(host, port, _bare_request(world), clients=TERMINALS)
    _report("bare view, 50 clients", bare)
    throughput = verdicts.ok / verdicts.seconds
    ratio = throughput / (bare.ok / bare.seconds)
    fixed = load.open_loop(host, port, make, rate=RATE)
    _report(f"verdicts at {RATE:.0f}/s open loop", fixed)
    records_per_second = _batch_upload(host, port, world, run)
    return [
        Result("gate_verdicts_throughput", throughput, "verdicts/s", ">= 800 verdicts/s"),
        Result("gate_verdicts_ratio_to_bare", ratio, "x", ">= 0.5"),
        Result("gate_verdicts_p50_at_400", fixed.percentile(50) * 1000, "ms", "p50, for p99"),
        Result("gate_verdicts_p99_at_400", fixed.percentile(99) * 1000, "ms", "< 50 ms"),
        Result("gate_batch_upload", records_per_second, "records/s", ">= 10000 records/s"),
    ]


def _report(what: str, tally: load.Tally) -> None:
    _say(f"{what}: {tally.ok / tally.seconds:.0f}/s ok, {tally.failed} failed "
         f"{tally.statuses}, p50 {tally.percentile(50) * 1000:.1f} ms, "
         f"p99 {tally.percentile(99) * 1000:.1f} ms, load generator CPU "
         f"{tally.cpu_seconds:.1f} s")


def _batch_upload(host: str, port: int, world: dict, run: str) -> float:
    """One terminal uploads BATCH_RECORDS offline records in batches of BATCH_SIZE, twice:
    the second time every record must come back as a duplicate."""
    from django.utils import timezone

    school, raw = world["tokens"][0]
    ids = world["ids"][school]
    base = timezone.now() - timedelta(hours=2)
    records = [{
        "client_id": f"{run}-off-{n}", "person_id": ids[n % len(ids)],
        "at": (base + timedelta(milliseconds=100 * n)).isoformat(),
        "temperature": 36.5, "direction": "in" if n % 2 else "out", "verdict": "pass",
        "reasons": ["ok"], "category": "normal",
    } for n in range(BATCH_RECORDS)]
    bodies = [json.dumps({"school_id": school, "records": records[i:i + BATCH_SIZE]}).encode()
              for i in range(0, len(records), BATCH_SIZE)]
    headers = {"Authorization": f"Bearer {raw}", "Content-Type": "application/json"}

    def upload() -> tuple[float, int, int]:
        created = duplicates = 0
        started = time.monotonic()
        for body in bodies:
            status, answer = load.send_one(host, port, ("POST", "/api/v1/gate/checks/batch",
                                                        body, headers))
            if status != 200:
                raise RuntimeError(f"batch upload answered {status}: {answer[:300]!r}")
            parsed = json.loads(answer)
            created, duplicates = created + parsed["created"], duplicates + parsed["duplicates"]
        return time.monotonic() - started, created, duplicates

    seconds, created, _dup = upload()
    again, _created, duplicates = upload()
    _say(f"batch upload: {created:,} records in {seconds:.2f} s; again: {duplicates:,} "
         f"duplicates in {again:.2f} s")
    if created != BATCH_RECORDS or duplicates != BATCH_RECORDS:
        raise RuntimeError("the batch upload lost or doubled records")
    return BATCH_RECORDS / seconds
