"""Register 100,000 samples into 10,000 pooled tubes (10 per tube) through the station API,
as the station page (apps/testing/static/testing/station.js) sends them: target at least
1,000 scans/s on 2 cores with PostgreSQL.

The page keeps every action (open a tube, a scan, the barcode that closes it) in a queue and
sends the head as soon as the request before is answered; scans of one tube that queued up
meanwhile travel together (at most 50). The benchmark runs that same loop for each of
STATIONS stations, each scanning at a steady pace, OFFERED scans/s in all: POST
/api/v1/testing/rounds/{id}/tubes to open a tube, POST /api/v1/testing/tubes/{id}/scans with
what queued, POST /api/v1/testing/tubes/{id}/close with the barcode scanned last, signed in
with a session and the CSRF token as the page is. A server that answers each scan before the
next one sends one scan per request; one that falls behind gets bigger batches, as from a
real station. Fifty fast stations load the server as a province's thousands of samplers do
(each scanning every few seconds): the scans per request are the offered rate over the
server's request rate in both cases; only the lag grows with the number of stations.
Stations send over their own HTTP/1.1 keep-alive connections to a gunicorn the benchmark
starts on a free local port (2 workers x 2 threads, gthread, the project's settings and
DATABASE_URL) and stops after. TESTING_SCANS_HTTP=0 sends the same requests in-process with
Django's test client instead (threads share one interpreter: a lower figure).
`testing_scans_single` is the worst case: every scan alone in its request, as fast as the
server answers (4 stations), i.e. the server's request rate for scans.

Besides the wall-clock rate, the benchmark reads from /proc the CPU seconds the application
(gunicorn's processes, or this one) and its PostgreSQL backends used (a local server), and
reports what two idle cores would carry at that cost: on a machine shared with other work
the wall-clock rate says more about the neighbours than about the station.

The people: the largest school in the database if it has at least 10,000 active people
(a copy of the 3,000,000-person province, for instance), else a generated school of
25,000. A person is sampled once per round, so the school is sampled in as many one-day
whole-school rounds (made by rounds.round_create, so with their members) as it takes to
reach 100,000 samples. The personal codes are issued before the clock starts (a phone shows
its code; the station only verifies it). On someone's database (DATABASE_URL) everything
the benchmark wrote is deleted afterwards.
"""

import json
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from datetime import date, timedelta
from functools import partial

from bench import Context, Result, benchmark, say
from bench.live import children, gunicorn

SAMPLES = 100_000
POOL = 10
GENERATED_SCHOOL = 25_000
MIN_SCHOOL = 10_000
TARGET = 1_000  # scans/s
STATIONS = 50  # stations scanning at once (threads, each with its own connection)
OFFERED = 1_100  # scans/s from all stations together, a little above the target
SINGLE_STATIONS = 4  # the worst case: one scan per request, each station as fast as it can
# Real HTTP to a gunicorn the benchmark starts (and stops); TESTING_SCANS_HTTP=0: Django's
# test client in this process.
HTTP = os.environ.get("TESTING_SCANS_HTTP", "1") != "0"
# TESTING_SCANS_GUNICORN=4x2: other workers x threads (2 x 2 is what the demo serves with).
GUNICORN_WORKERS, GUNICORN_THREADS = (
    int(n) for n in os.environ.get("TESTING_SCANS_GUNICORN", "2x2").split("x"))
BATCH = 50  # the most scans the page sends in one request


_say = partial(say, "testing_scans")


@benchmark("testing_scans")
def testing_scans(ctx: Context) -> list[Result]:
    samples = min(SAMPLES, ctx.persons * 4) if ctx.persons else SAMPLES
    made: dict = {}
    try:
        outcome = _run(samples, ctx.persons, made)
    finally:
        if not ctx.scratch:  # someone's database: leave it as it was
            _clean_up(made)
    return [
        Result("testing_scans", outcome["rate"], "scans/s",
               f">= {TARGET} scans/s ({STATIONS} stations offering {OFFERED:,}/s)"),
        Result("testing_scans_lag_p99", outcome["lag_p99"] * 1000, "ms",
               "scan to answer, 99th percentile (informs: grows with the stations)"),
        Result("testing_scans_per_request", outcome["per_request"], "scans",
               "per scan request, as the page batched them (informs)"),
        Result("testing_scans_cpu_bound", outcome["cpu_rate"], "scans/s",
               f">= {TARGET} scans/s on two idle cores (from CPU seconds used)"),
        Result("testing_scans_single", outcome["single_rate"], "scans/s",
               "every scan alone in its request (informs: the server's request rate)"),
        Result("testing_scans_tubes", outcome["tubes"], "tubes",
               f"closed, {POOL} samples each, all checked in the database"),
    ]


def _run(samples: int, persons: int | None, made: dict) -> dict:
    school, people = _school(persons, made)
    sampler = _sampler(school, made)
    single = max(POOL, samples // 20 // POOL * POOL)  # the worst case's scans
    rounds = _rounds(school, math.ceil((samples + single) / len(people)), made)
    tubes = _tubes(rounds, people, samples + single)
    paced, alone = tubes[1:samples // POOL], tubes[samples // POOL:]
    _say(f"{len(paced):,} tubes, {len(paced) * POOL:,} scans into {len(rounds)} round(s) of "
         f"school {school.pk} ({len(people):,} people): {STATIONS} stations offering "
         f"{OFFERED:,} scans/s; then {len(alone):,} tubes one scan per request")
    queries, seconds = _queries_per_tube(sampler, tubes[0])
    _say(f"{queries} queries, {seconds * 1000:.0f} ms in-process for a tube sent one scan per "
         f"request (open, {POOL} scans, close)")
    with _server() as (port, process):
        app_pids = [os.getpid()] if process is None else [process.pid, *children(process.pid)]
        cpu_before = _cpu_seconds(app_pids) + _cpu_seconds(_backends())
        interval = STATIONS * (POOL + 1) / (OFFERED * POOL)  # a station's pace, barcode too
        outcome = _drive(port, sampler, paced, STATIONS, interval=interval, batch=BATCH)
        cpu = _cpu_seconds(app_pids) + _cpu_seconds(_backends()) - cpu_before
        worst = _drive(port, sampler, alone, SINGLE_STATIONS, interval=0, batch=1)
    _check(rounds, len(tubes) * POOL, len(tubes))
    how = (f"over HTTP to gunicorn ({GUNICORN_WORKERS} workers x {GUNICORN_THREADS} threads)"
           if HTTP else "in-process (Django's test client)")
    _say(f"sent {how}: {outcome['scans']:,} scans in {outcome['seconds']:.1f} s, "
         f"{outcome['rate']:,.0f} scans/s, {outcome['requests'] / outcome['seconds']:,.0f} "
         f"requests/s, {outcome['per_request']:.2f} scans per scan request, lag p99 "
         f"{outcome['lag_p99'] * 1000:,.0f} ms")
    _say(f"one scan per request: {worst['rate']:,.0f} scans/s")
    # What the work cost, whatever else the machine was running: CPU seconds of the
    # application (this process, or gunicorn's) and of its PostgreSQL backends.
    per_scan = cpu / outcome["scans"]
    _say(f"CPU: {cpu:.1f} s, {per_scan * 1000:.2f} ms per scan (Django and PostgreSQL): two "
         f"idle cores would carry {2 / per_scan:,.0f} scans/s")
    return {**outcome, "tubes": len(tubes), "cpu_rate": 2 / per_scan,
            "single_rate": worst["rate"]}


def _drive(port: int | None, sampler: dict, tubes: list, stations: int, *, interval: float,
           batch: int) -> dict:
    """`stations` stations send `tubes` between them; the rate from the first due scan to
    the last answer, the lags from each scan to its answer, the scan requests."""
    finished = threading.Barrier(stations + 1)  # stations done, connections still open
    release = threading.Event()
    start = time.monotonic() + 0.5  # every station connected first
    try:
        with ThreadPoolExecutor(stations) as pool:
            work = [pool.submit(_station, port, sampler, tubes[i::stations], start,
                                interval, batch, finished, release) for i in range(stations)]
            finished.wait()
            seconds = time.monotonic() - start
            release.set()
            results = [done.result() for done in work]
    finally:
        release.set()
    lags = sorted(lag for lagged, _requests in results for lag in lagged)
    requests = sum(r for _lagged, r in results)
    return {"rate": len(lags) / seconds, "seconds": seconds, "scans": len(lags),
            "requests": requests, "per_request": len(lags) / max(requests, 1),
            "lag_p99": lags[int(len(lags) * 0.99)] if lags else 0.0}


def _backends() -> list[int]:
    """PostgreSQL backends connected to this database (a local server: their CPU is read
    from /proc), other than this connection's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return [row[0] for row in cursor.fetchall()]


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds of processes (0 for any that is gone or not local)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / ticks


def _station(port: int | None, sampler: dict, tubes: list, start: float, interval: float,
             batch: int, finished, release) -> tuple[list[float], int]:
    """One station: a sampler scanning every `interval` seconds from `start`, and the page's
    queue sending what is due (station.js `sync`); the lag of each scan and the scan
    requests sent."""
    from django.db import connection

    post = _HttpSender(port, sampler) if port else _ClientSender(sampler)
    queue = _actions(tubes, start, interval)
    lags, requests, head, tube_id = [], 0, 0, None
    try:
        while head < len(queue):
            due, kind, tube, value = queue[head]
            time.sleep(max(0.0, due - time.monotonic()))
            if kind == "open":
                tube_id = _open(post, tube)
                head += 1
            elif kind == "scan":
                now, sent = time.monotonic(), []
                while (head < len(queue) and queue[head][1] == "scan" and queue[head][2] is tube
                       and queue[head][0] <= now and len(sent) < batch):
                    sent.append(queue[head])
                    head += 1
                post(f"/api/v1/testing/tubes/{tube_id}/scans",
                     {"scans": [{"client_id": cid, "code": code} for _d, _k, _t, (cid, code)
                                in sent]}, 200)
                answered = time.monotonic()
                lags.extend(answered - d for d, *_rest in sent)
                requests += 1
            else:
                _close(post, tube_id, value)
                head += 1
    finally:
        finished.wait()
        release.wait()
        post.close()
        connection.close()
    return lags, requests


def _actions(tubes: list, start: float, interval: float) -> list[tuple]:
    """The page's queue over time: (due, kind, tube, value); a tube opens with its first
    scan, and closes with the barcode scanned after its last."""
    queue, step = [], 0
    for tube in tubes:
        queue.append((start + step * interval, "open", tube, None))
        for scan in tube["scans"]:
            queue.append((start + step * interval, "scan", tube, scan))
            step += 1
        queue.append((start + step * interval, "close", tube, tube["barcode"]))
        step += 1
    return queue


def _send_tube(post, tube: dict) -> None:
    """Open, one request per scan, close with the barcode."""
    tube_id = _open(post, tube)
    for client_id, code in tube["scans"]:
        post(f"/api/v1/testing/tubes/{tube_id}/scans",
             {"scans": [{"client_id": client_id, "code": code}]}, 200)
    _close(post, tube_id, tube["barcode"])


def _open(post, tube: dict) -> int:
    opened = post(tube["open"], {"client_id": tube["client_id"], "pool_size": POOL,
                                 "barcode": "", "station": "bench"}, 201)
    return opened["tube"]["id"]


def _close(post, tube_id: int, barcode: str) -> None:
    closed = post(f"/api/v1/testing/tubes/{tube_id}/close", {"barcode": barcode}, 200)
    if closed["tube"]["status"] != "closed":
        raise RuntimeError(f"tube {tube_id} not closed: {closed['tube']}")


class _Sender:
    """post(path, body, expected status) -> the JSON answer; raises on any other status."""

    def __call__(self, path: str, body: dict, expected: int) -> dict:
        status, answer = self.send(path, body)
        if status != expected:
            raise RuntimeError(f"{path}: {status} {answer[:500]!r}")
        return json.loads(answer)

    def close(self) -> None:
        pass


class _ClientSender(_Sender):
    """In-process: Django's test client, with the session cookie and CSRF checks."""

    def __init__(self, sampler: dict):
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True, HTTP_X_CSRFTOKEN=sampler["csrf"])
        self.client.cookies["sessionid"] = sampler["session"]
        self.client.cookies["csrftoken"] = sampler["csrf"]

    def send(self, path, body):
        response = self.client.post(path, body, content_type="application/json")
        return response.status_code, response.content


class _HttpSender(_Sender):
    """HTTP/1.1 with keep-alive, the session cookie and the CSRF header, as a browser."""

    def __init__(self, port: int, sampler: dict):
        import http.client

        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {
            "Content-Type": "application/json", "X-CSRFToken": sampler["csrf"],
            "Cookie": f"sessionid={sampler['session']}; csrftoken={sampler['csrf']}"}

    def send(self, path, body):
        self.connection.request("POST", path, json.dumps(body), self.headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def close(self):
        self.connection.close()


def _server():
    """gunicorn on the benchmark's database, its output here (its refusals explain a failed
    station); or, with TESTING_SCANS_HTTP=0, no server: (None, None)."""
    if not HTTP:
        return nullcontext((None, None))
    return gunicorn(os.environ["DATABASE_URL"], workers=GUNICORN_WORKERS,
                    threads=GUNICORN_THREADS, quiet=False)


def _queries_per_tube(sampler: dict, tube: dict) -> tuple[int, float]:
    """Send the first tube with its queries counted (session and CSRF included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.monotonic()
        _send_tube(_ClientSender(sampler), tube)
        seconds = time.monotonic() - started
    return len(captured.captured_queries), seconds


def _school(persons: int | None, made: dict):
    from django.db.models import Count, Q

    from apps.orgs.models import School
    from apps.people.models import Person

    wanted = MIN_SCHOOL if persons is None else min(MIN_SCHOOL, persons)
    school = (School.objects.annotate(n=Count("persons", filter=Q(persons__active=True)))
              .filter(n__gte=wanted).order_by("-n").first())
    if school is None:
        school = made["school"] = _generate_school(persons or GENERATED_SCHOOL)
    else:
        _say(f"reusing school {school.pk} with {school.n:,} people")
    people = list(Person.objects.filter(school=school, active=True).order_by("pk")
                  .only("pk", "school_id"))
    return school, people


def _generate_school(size: int, code: str = "BENCHSCANS1"):
    """One school of `size` students in classes of 50, written with bulk inserts."""
    from apps.core.crypto import encrypt_text, keyed_hash
    from apps.core.identity import mask_document
    from apps.orgs.models import Bureau, School, SchoolClass, Unit
    from apps.people.models import Person

    _say(f"generating a school of {size:,}")
    bureau, _ = Bureau.objects.get_or_create(region_id="410105", level="county",
                                             defaults={"name": "金水区教育局"})
    school = School.objects.create(name="采样基准中学", code=code, kind="senior",
                                   boarding="mixed", region_id="410105", bureau=bureau)
    grade = Unit.objects.create(school=school, name="高一", kind="grade")
    classes = SchoolClass.objects.bulk_create(
        SchoolClass(school=school, unit=grade, name=f"高一{i + 1}班")
        for i in range(math.ceil(size / 50)))
    rows = []
    for i in range(size):
        born = date(2008, 1, 1) + timedelta(days=i % 336)
        doc = _unique_doc(i, born)
        rows.append(Person(
            school=school, kind="student", number=f"S{i:06d}", name=f"学生{i}", sex="M",
            birth_date=born, doc_type="resident_id", doc_cipher=encrypt_text(doc),
            doc_hash=keyed_hash(doc), doc_masked=mask_document(doc),
            klass=classes[i // 50], unit=grade))
    Person.objects.bulk_create(rows, batch_size=5000)
    return school


def _unique_doc(i: int, born: date) -> str:
    from shaodian.testing.world import make_id_number

    # The birth day is i % 336 and the sequence (i // 336) % 1000: unique below 336,000.
    return make_id_number("410105", born, (i // 336) % 1000)


def _sampler(school, made: dict) -> dict:
    """A sampler of the school, signed in as the page is: a session and a CSRF token."""
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from apps.access.models import RoleAssignment, User

    user = User.objects.create_user(username=f"bench_sampler_{school.pk}_{time.time_ns()}",
                                    password=None, display_name="采样员")
    made.setdefault("users", []).append(user)
    RoleAssignment.objects.create(user=user, role="sampler", school=school)
    client = Client()
    client.force_login(user)
    return {"session": client.cookies["sessionid"].value, "csrf": _get_new_csrf_string()}


def _rounds(school, count: int, made: dict) -> list:
    """Whole-school one-day rounds, made and opened by the school's epidemic office (so each
    has its plan of members, which the station checks)."""
    from django.utils import timezone

    from apps.access.models import RoleAssignment, User
    from apps.testing.services.rounds import round_create, round_open

    admin = User.objects.create_user(username=f"bench_office_{school.pk}_{time.time_ns()}",
                                     password=None, display_name="防疫办")
    made.setdefault("users", []).append(admin)
    RoleAssignment.objects.create(user=admin, role="school_admin", school=school)
    rounds = made["rounds"] = []
    for i in range(count):
        made = round_create(actor=admin, school_id=school.pk, name=f"基准轮次{i + 1}",
                            kind="pcr_pooled", scope="school", day=timezone.localdate())
        rounds.append(round_open(actor=admin, round_id=made.pk))
    return rounds


def _tubes(rounds: list, people: list, samples: int) -> list[dict]:
    """What each tube's requests carry: the round's path, the tube's client id and barcode,
    its ten scans (client id, personal code)."""
    from apps.people.codes import personal_code_issue

    codes = [personal_code_issue(person=p) for p in people]
    run = time.time_ns() % 10**6  # barcodes of its own: the school may have tubes already
    tubes, n = [], 0
    for test_round in rounds:
        for start in range(0, len(codes) - POOL + 1, POOL):
            if n >= samples:
                return tubes
            tube = f"b{run}-{test_round.pk}-{start}"
            tubes.append({
                "open": f"/api/v1/testing/rounds/{test_round.pk}/tubes", "client_id": tube,
                "barcode": f"BS{run}-{test_round.pk}-{start}",
                "scans": [(f"{tube}-{k}", codes[start + k]) for k in range(POOL)]})
            n += POOL
    return tubes


def _check(rounds: list, samples: int, tubes: int) -> None:
    from apps.testing.models import Sample, Tube

    ids = [r.pk for r in rounds]
    stored = Sample.objects.filter(round_id__in=ids, removed_at__isnull=True).count()
    closed = Tube.objects.filter(round_id__in=ids, status="closed").count()
    if (stored, closed) != (samples, tubes):
        raise RuntimeError(f"expected {samples} samples in {tubes} closed tubes, "
                           f"found {stored} in {closed}")


def _clean_up(made: dict) -> None:
    """Delete what the benchmark wrote, in one transaction, set-based."""
    from django.db import connection, transaction

    from apps.testing.models import RoundMember, Sample, TestRound, Tube

    ids = [r.pk for r in made.get("rounds", [])]
    with transaction.atomic():
        Sample.objects.filter(round_id__in=ids).delete()
        Tube.objects.filter(round_id__in=ids).update(recheck_of=None)
        Tube.objects.filter(round_id__in=ids).delete()
        RoundMember.objects.filter(round_id__in=ids).delete()
        TestRound.objects.filter(pk__in=ids).delete()
        for user in made.get("users", []):
            user.delete()
        school = made.get("school")
        if school is not None:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM people_person WHERE school_id = %s", [school.pk])
                cursor.execute("DELETE FROM orgs_schoolclass WHERE school_id = %s", [school.pk])
                cursor.execute("DELETE FROM orgs_unit WHERE school_id = %s", [school.pk])
            school.delete()
    _say("cleaned up")
