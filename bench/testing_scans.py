"""Register 100,000 samples into 10,000 pooled tubes (10 per tube) through the station API:
target at least 1,000 scans/s on 2 cores with PostgreSQL.

Each tube is one request, as a station sends it when the scans of one tube travel together
(the offline queue, or a sampler who scans the barcode last): POST
/api/v1/testing/rounds/{id}/tubes with the tube's client id, pool size, barcode, its ten
personal codes (each with its own client id) and close=true. Four stations send at once,
each over its own HTTP/1.1 keep-alive connection, to a gunicorn the benchmark starts on a
free local port (2 workers x 2 threads, gthread, the project's settings and DATABASE_URL)
and stops after: bearer-token authentication, middleware, ninja's parsing and validation,
the scope layer, the station service, each request committed on its own.
TESTING_SCANS_HTTP=0 sends the same requests in-process with Django's test client instead
(one thread and connection per station; threads share one interpreter, so that figure is
below what two workers reach on two cores).

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

import math
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import partial

from bench import Context, Result, benchmark, say

SAMPLES = 100_000
POOL = 10
GENERATED_SCHOOL = 25_000
MIN_SCHOOL = 10_000
TARGET = 1_000  # scans/s
STATIONS = 4  # stations sending at once (threads, each with its own connection)
# Real HTTP to a gunicorn the benchmark starts (and stops); TESTING_SCANS_HTTP=0: Django's
# test client in this process.
HTTP = os.environ.get("TESTING_SCANS_HTTP", "1") != "0"
GUNICORN_WORKERS, GUNICORN_THREADS = 2, 2


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
        Result("testing_scans", outcome["rate"], "scans/s", f">= {TARGET} scans/s"),
        Result("testing_scans_cpu_bound", outcome["cpu_rate"], "scans/s",
               f">= {TARGET} scans/s on two idle cores (from CPU seconds used)"),
        Result("testing_scans_tubes", outcome["tubes"], "tubes",
               f"{samples // POOL} closed, {POOL} samples each"),
    ]


def _run(samples: int, persons: int | None, made: dict) -> dict:
    school, people = _school(persons, made)
    token = _sampler_token(school, made)
    rounds = _rounds(school, math.ceil(samples / len(people)), made)
    bodies = _bodies(rounds, people, samples)
    _say(f"{len(bodies):,} tubes, {samples:,} scans into {len(rounds)} round(s) of school "
         f"{school.pk} ({len(people):,} people); {STATIONS} stations sending at once")
    queries = _queries_per_tube(token, bodies[0])
    chunks = [bodies[1 + i::STATIONS] for i in range(STATIONS)]
    server = _gunicorn() if HTTP else None
    finished = threading.Barrier(STATIONS + 1)  # stations done, connections still open
    release = threading.Event()
    try:
        app_pids = [os.getpid()] if server is None else _children(server[0].pid)
        cpu_before = _cpu_seconds(app_pids) + _cpu_seconds(_backends())
        started = time.monotonic()
        with ThreadPoolExecutor(STATIONS) as pool:
            if server is None:
                work = [pool.submit(_station, token, c, finished, release) for c in chunks]
            else:
                work = [pool.submit(_http_station, server[1], token, c, finished, release)
                        for c in chunks]
            finished.wait()
            seconds = time.monotonic() - started
            cpu = _cpu_seconds(app_pids) + _cpu_seconds(_backends()) - cpu_before
            release.set()
            for done in work:
                done.result()
    finally:
        release.set()
        if server is not None:
            server[0].terminate()
            server[0].wait(timeout=15)
    _check(rounds, samples, len(bodies))
    tubes = len(bodies) - 1
    rate = (samples - POOL) / seconds
    how = (f"over HTTP to gunicorn ({GUNICORN_WORKERS} workers x {GUNICORN_THREADS} threads)"
           if server else "in-process (Django's test client)")
    _say(f"{queries} queries per tube; sent {how}")
    _say(f"{samples - POOL:,} scans in {seconds:.1f} s: {rate:,.0f} scans/s, "
         f"{tubes / seconds:,.0f} tubes/s")
    # What the work cost, whatever else the machine was running: CPU seconds of the
    # application (this process, or gunicorn's) and of its PostgreSQL backends.
    per_tube = cpu / tubes
    _say(f"CPU: {cpu:.1f} s for {tubes:,} tubes, {per_tube * 1000:.1f} ms per tube (Django "
         f"and PostgreSQL): two idle cores would carry {2 * POOL / per_tube:,.0f} scans/s")
    return {"rate": rate, "tubes": len(bodies), "cpu_rate": 2 * POOL / per_tube}


def _children(pid: int) -> list[int]:
    """A process and its children (gunicorn's master and workers)."""
    found = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


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


def _station(token: str, bodies: list, finished, release) -> None:
    """One station: its own client and database connection, one tube after another."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    try:
        for path, body in bodies:
            _send(client, path, body)
    finally:
        finished.wait()
        release.wait()
        connection.close()


def _gunicorn() -> tuple:
    """gunicorn serving the project on a free local port, on the same database; (process,
    port). Stopped by the caller."""
    import socket
    import subprocess

    from django.conf import settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "gunicorn", "shaodian.wsgi", "--bind", f"127.0.0.1:{port}",
               "--worker-class", "gthread", "--workers", str(GUNICORN_WORKERS),
               "--threads", str(GUNICORN_THREADS), "--log-level", "warning",
               "--chdir", str(settings.BASE_DIR)]
    process = subprocess.Popen(command, start_new_session=True)  # noqa: S603 — our own argv
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, port
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def _http_station(port: int, token: str, bodies: list, finished, release) -> None:
    """One station over HTTP/1.1 with keep-alive, one tube after another."""
    import http.client
    import json

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        for path, body in bodies:
            connection.request("POST", path, json.dumps(body), headers)
            response = connection.getresponse()
            answer = response.read()
            if response.status != 201:
                raise RuntimeError(f"{path}: {response.status} {answer[:500]!r}")
    finally:
        finished.wait()
        release.wait()
        connection.close()


def _send(client, path: str, body: dict) -> None:
    response = client.post(path, body, content_type="application/json")
    if response.status_code != 201:
        raise RuntimeError(f"{path}: {response.status_code} {response.content[:500]!r}")


def _queries_per_tube(token: str, first: tuple[str, dict]) -> int:
    """Send the first tube with its queries counted (authentication included)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _send(Client(HTTP_AUTHORIZATION=f"Bearer {token}"), *first)
    return len(captured.captured_queries)


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


def _generate_school(size: int):
    """One school of `size` students in classes of 50, written with bulk inserts."""
    from apps.core.crypto import encrypt_text, keyed_hash
    from apps.core.identity import mask_document
    from apps.orgs.models import Bureau, School, SchoolClass, Unit
    from apps.people.models import Person

    _say(f"generating a school of {size:,}")
    bureau, _ = Bureau.objects.get_or_create(region_id="410105", level="county",
                                             defaults={"name": "金水区教育局"})
    school = School.objects.create(name="采样基准中学", code="BENCHSCANS1", kind="senior",
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


def _sampler_token(school, made: dict) -> str:
    from apps.access.models import RoleAssignment, User
    from apps.access.services import api_token_create

    user = User.objects.create_user(username=f"bench_sampler_{school.pk}_{time.time_ns()}",
                                    password=None, display_name="采样员")
    made.setdefault("users", []).append(user)
    RoleAssignment.objects.create(user=user, role="sampler", school=school)
    _token, raw = api_token_create(user=user, name="bench", permissions=["testing.sample"])
    return raw


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


def _bodies(rounds: list, people: list, samples: int) -> list[tuple[str, dict]]:
    from apps.people.codes import personal_code_issue

    codes = [personal_code_issue(person=p) for p in people]
    bodies, n = [], 0
    for test_round in rounds:
        for start in range(0, len(codes) - POOL + 1, POOL):
            if n >= samples:
                return bodies
            tube = f"b{test_round.pk}-{start}"
            scans = [{"client_id": f"{tube}-{k}", "code": codes[start + k]}
                     for k in range(POOL)]
            bodies.append((f"/api/v1/testing/rounds/{test_round.pk}/tubes", {
                "client_id": tube, "pool_size": POOL, "barcode": f"BN{test_round.pk}{start:07d}",
                "scans": scans, "close": True}))
            n += POOL
    return bodies


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
