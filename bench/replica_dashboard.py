"""A dashboard read from a streaming replica while check-ins are written to the primary at
WRITE_RATE rows a second (PostgreSQL, issue 19's figure: p95 < 300 ms).

The replica is DATABASE_REPLICA_URL when it is set (it must hold the benchmark's database),
otherwise the standby scripts/pg_replica.sh runs on this machine (started when none runs;
127.0.0.1:5433, streaming from 127.0.0.1:5432), added as the database alias `replica` for
the benchmark's own database. The province admin's home (GET / through the whole stack,
signed in, rendered: apps.web.views.home reads from the replica, apps/core/routers.py) is
requested REQUESTS / 2 times with no writer, then REQUESTS times while a process of its own,
on its own connection to the primary, commits a batch of BATCH check-ins (morning, noon and
evening slots of the province's students, today) every BATCH / WRITE_RATE seconds. A
request is checked to have run its queries on the replica. Printed: the page's p95 under
the writer and without it, the write rate reached, the time the replica took to replay what
the primary had when the writer stopped, and the bytes a check-in adds to its table and
indexes (informs, for docs/capacity.md). The province is reused or generated
(bench/province.py); the check-ins are committed on a scratch database and deleted after
the run on anyone else's.
"""

import multiprocessing
import os
import statistics
import subprocess
import time
from functools import partial
from pathlib import Path

from bench import Context, Result, benchmark, say
from bench.province import PROVINCE, ensure_province, province_admin

PERSONS = 3_000_000
REQUESTS = int(os.environ.get("SHAODIAN_BENCH_REPLICA_REQUESTS", 200))
WRITE_RATE = int(os.environ.get("SHAODIAN_BENCH_REPLICA_WRITE_RATE", 1000))  # rows a second
BATCH = 50
TARGET_MS = 300.0
CLIENT_PREFIX = "bench-replica-"
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pg_replica.sh"

_say = partial(say, "replica_dashboard")


@benchmark("replica_dashboard")
def replica_dashboard(ctx: Context) -> list[Result]:
    from django.db import connection, transaction

    with transaction.atomic():  # committed: the replica sees only what is
        ensure_province("replica_dashboard", persons=ctx.persons or PERSONS)
        user = province_admin("bench-replica-province")
        from apps.people.headcounts import headcounts_refresh

        headcounts_refresh()
    _ensure_replica()
    persons = _persons()
    quiet = statistics.quantiles(_dashboard_times(user, REQUESTS // 2), n=20)[18]
    bytes_before = _checkin_bytes()
    writer = _Writer(connection.settings_dict, persons)
    writer.start()
    try:
        times = _dashboard_times(user, REQUESTS)
    finally:
        writer.stop()
    lag = _replay_lag()
    per_row = (_checkin_bytes() - bytes_before) / max(writer.rows, 1)
    if not ctx.scratch:
        _forget_checkins()
    p95 = statistics.quantiles(times, n=20)[18]
    _say(f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
         f"{writer.rows:,} check-ins in {writer.seconds:.1f} s")
    return [
        Result("replica_dashboard_p95", p95, "ms",
               f"< {TARGET_MS:.0f} ms: the province admin's home read from the replica while "
               f"{WRITE_RATE:,} check-ins/s are written to the primary "
               f"({len(persons):,} people)"),
        Result("replica_dashboard_p95_quiet", quiet, "ms",
               "the same page on the replica with no writer, same run (informs)"),
        Result("replica_dashboard_write_rate", writer.rows / writer.seconds, "check-ins/s",
               f">= {0.95 * WRITE_RATE:.0f}: the writer's rate during the requests"),
        Result("replica_dashboard_replay_lag", lag, "s",
               "the replica's replay lag when the writer stopped (informs)"),
        Result("replica_dashboard_checkin_bytes", per_row, "bytes/check-in",
               f"the check-in table and its indexes grown by the {writer.rows:,} rows, "
               f"per row (informs; docs/capacity.md)"),
    ]


def _ensure_replica() -> None:
    """The alias `replica` for this database: DATABASE_REPLICA_URL, or the local standby."""
    from django.conf import settings
    from django.db import connections

    if "replica" not in settings.DATABASES:
        primary = connections["default"].settings_dict
        if str(primary.get("PORT") or 5432) != os.environ.get("PRIMARY_PORT", "5432"):
            raise RuntimeError("no DATABASE_REPLICA_URL, and the database is not on the "
                               "server scripts/pg_replica.sh replicates (127.0.0.1:5432)")
        subprocess.run(["bash", str(SCRIPT), "start"], check=True,  # noqa: S603, S607
                       stdout=subprocess.DEVNULL)
        replica = {**primary, "HOST": "127.0.0.1",
                   "PORT": int(os.environ.get("REPLICA_PORT", 5433)),
                   "TEST": {**primary.get("TEST", {}), "MIRROR": "default"}}
        settings.DATABASES["replica"] = replica
        connections.settings["replica"] = replica
    settings.REPLICA_READS = True
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        if not cursor.fetchone()[0]:
            raise RuntimeError("the replica alias names no standby")
    _caught_up()


def _caught_up(timeout: float = 300) -> None:
    from django.db import connections

    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        lsn = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    with connections["replica"].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                raise RuntimeError("the replica did not catch up")
            time.sleep(0.1)


def _persons() -> list[tuple[int, int]]:
    """(school, person) of the province's students, as many as the writer may need."""
    from apps.people.models import Person

    return list(Person.objects.filter(school__province_code=PROVINCE, kind="student")
                .order_by("id").values_list("school_id", "id")[:400_000])


class _Writer:
    """A process of its own (the page's timing shares no interpreter lock with it) that
    commits BATCH check-ins WRITE_RATE a second on a connection of its own."""

    def __init__(self, settings_dict: dict, persons: list):
        s = settings_dict
        self.dsn = {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432,
                    "user": s["USER"], "password": s["PASSWORD"] or None, "dbname": s["NAME"],
                    "options": s["OPTIONS"].get("options")}
        context = multiprocessing.get_context("spawn")
        self._stop, self._rows = context.Event(), context.Value("q", 0)
        self._seconds = context.Value("d", 0.0)
        self.process = context.Process(target=_write, daemon=True, args=(
            self.dsn, persons, self._stop, self._rows, self._seconds))

    def start(self) -> None:
        self.process.start()

    def stop(self) -> None:
        self._stop.set()
        self.process.join(60)
        if self.process.exitcode != 0:
            raise RuntimeError(f"the check-in writer failed (exit {self.process.exitcode})")

    @property
    def rows(self) -> int:
        return self._rows.value

    @property
    def seconds(self) -> float:
        return self._seconds.value


def _write(dsn: dict, persons: list, stop, rows_done, seconds) -> None:
    import datetime
    import zoneinfo

    import psycopg

    sql = ("INSERT INTO health_checkin (school_id, person_id, day, slot, symptoms, "
           "abnormal, fever, submitted_as, submitted_at, late, device, note, client_id) "
           "VALUES (%s, %s, %s, %s, '[]'::jsonb, false, false, 'guardian', %s, false, '', '', "
           "%s) ON CONFLICT DO NOTHING")
    slots = ("morning", "noon", "evening")
    with psycopg.connect(**dsn) as db:
        day = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date()
        started, n, interval = time.monotonic(), 0, BATCH / WRITE_RATE
        while not stop.is_set():
            now = datetime.datetime.now(datetime.UTC)
            batch = []
            for k in range(n, n + BATCH):
                school, person = persons[k % len(persons)]
                batch.append((school, person, day, slots[(k // len(persons)) % 3], now,
                              f"{CLIENT_PREFIX}{k}"))
            with db.cursor() as cursor:
                cursor.executemany(sql, batch)
            db.commit()
            n += BATCH
            rows_done.value, seconds.value = n, time.monotonic() - started
            wait = started + (n / BATCH) * interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)


def _dashboard_times(user, requests: int) -> list[float]:
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        if client.get("/").status_code != 200:
            raise RuntimeError("the province admin's home did not answer 200")
    if not on_replica.captured_queries:
        raise RuntimeError("the home page ran no query on the replica")
    times = []
    for _n in range(requests):
        started = time.perf_counter()
        response = client.get("/")
        times.append(1000 * (time.perf_counter() - started))
        if response.status_code != 200:
            raise RuntimeError(f"/: {response.status_code}")
    return times


def _replay_lag() -> float:
    """Seconds the replica's last replayed change trails the primary's newest (0: none)."""
    from django.db import connections

    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        lsn = cursor.fetchone()[0]
    started = time.monotonic()
    _caught_up()
    return time.monotonic() - started if lsn else 0.0


def _checkin_bytes() -> int:
    """The check-in table's bytes with its indexes (and its partitions' when it has some)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c
             WHERE c.oid = 'health_checkin'::regclass
                OR c.oid IN (SELECT inhrelid FROM pg_inherits
                              WHERE inhparent = 'health_checkin'::regclass)""")
        return int(cursor.fetchone()[0])


def _forget_checkins() -> None:
    from apps.health.models import CheckIn

    CheckIn.objects.filter(client_id__startswith=CLIENT_PREFIX).delete()
