"""Single check-in submissions per second through the real endpoint (POST
/api/v1/health/checkins) on a live gunicorn, against a 3,000,000-person province on
PostgreSQL: target at least 1,000/s on 2 cores.

Guardians of the province's students each submit their child's morning check-in with their
own API token (bearer), from CONNECTIONS concurrent keep-alive connections driven by an
asyncio client in this process, for SECONDS seconds after a warm-up. Each submission is
recorded as in production: scope check through the guardian's grants, validation, the
school's policy, one row, and for the ~2 % with a fever the status-recompute task queued.

The province is reused when the database holds one at least that large (a copy of
bench3m: `DATABASE_URL=postgres://…/b_copy python -m bench checkin_submit`), otherwise
generated. What the benchmark writes (tokens, check-ins, queued tasks) is deleted at the
end unless the database is a scratch one. SHAODIAN_BENCH_CHECKIN_WORKERS / _THREADS /
_CONNECTIONS / _SECONDS tune the run.
"""

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

from bench import Context, Result, benchmark, say
from bench.province import ensure_province

PERSONS = 3_000_000
TARGET_PER_S = 1_000
SECONDS = int(os.environ.get("SHAODIAN_BENCH_CHECKIN_SECONDS", 20))
# Long enough for every worker to load each county's policy once (apps.health.rules): the
# steady state of a server that has been up for a while.
WARMUP_SECONDS = int(os.environ.get("SHAODIAN_BENCH_CHECKIN_WARMUP", 15))
CONNECTIONS = int(os.environ.get("SHAODIAN_BENCH_CHECKIN_CONNECTIONS", 32))
WORKERS = int(os.environ.get("SHAODIAN_BENCH_CHECKIN_WORKERS", 2))
THREADS = int(os.environ.get("SHAODIAN_BENCH_CHECKIN_THREADS", 4))
GUARDIANS = int(os.environ.get("SHAODIAN_BENCH_CHECKIN_GUARDIANS", 40_000))
FEVER_SHARE = 50  # one submission in 50 has a fever
BENCH_LABEL = "bench checkin_submit"
CLIENT_PREFIX = "bench-"
ROOT = Path(__file__).resolve().parent.parent


_say = partial(say, "checkin_submit")


@benchmark("checkin_submit")
def checkin_submit(ctx: Context) -> list[Result]:
    ensure_province("checkin_submit", persons=ctx.persons or PERSONS)
    started_at = _now()
    try:
        tokens = _guardian_tokens(GUARDIANS)
        _say(f"{len(tokens):,} guardians with tokens; starting gunicorn")
        with _server() as port:
            outcome = asyncio.run(_drive(port, tokens))
    finally:
        if not ctx.scratch:
            _clean_up(started_at)
    _say(f"{outcome['ok']:,} submissions in {outcome['seconds']:.1f} s, "
         f"{outcome['errors']} errors, p50 {outcome['p50']:.1f} ms, p99 {outcome['p99']:.1f} ms")
    return [
        Result("checkin_submit", outcome["ok"] / outcome["seconds"], "check-ins/s",
               f">= {TARGET_PER_S} check-ins/s"),
        Result("checkin_submit_p99", outcome["p99"], "ms", f"at {CONNECTIONS} connections"),
    ]


def _now():
    from django.utils import timezone

    return timezone.now()


def _guardian_tokens(count: int) -> list[tuple[str, int, bool]]:
    """(raw token, child id, day student) for guardians of one active child with no check-in
    today, spread over the province's schools; tokens written in bulk (set-up, not timed)."""
    from django.db import connection
    from django.utils import timezone

    from apps.access.models import ApiToken
    from apps.access.services import token_hash

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT g.user_id, g.person_id, p.kind = 'student' AND p.residence = 'day'
              FROM people_guardianship g
              JOIN people_person p ON p.id = g.person_id AND p.school_id = g.school_id
             WHERE p.active
               AND NOT EXISTS (SELECT 1 FROM health_checkin c
                                WHERE c.school_id = p.school_id AND c.person_id = p.id
                                  AND c.day = %s AND c.slot = 'morning')
               AND (SELECT count(*) FROM people_guardianship g2 WHERE g2.user_id = g.user_id) = 1
             ORDER BY md5(g.person_id::text)
             LIMIT %s""", [timezone.localdate(), count])
        rows = cursor.fetchall()
    now = timezone.now()
    made, tokens = [], []
    for user_id, person_id, day_student in rows:
        raw = f"sd_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"
        made.append(ApiToken(user_id=user_id, name=BENCH_LABEL, prefix=raw[3:11],
                             key_hash=token_hash(raw), permissions=[],
                             expires_at=now + timedelta(days=1),
                             last_used_at=now - timedelta(days=1)))  # used yesterday
        tokens.append((raw, person_id, day_student))
    ApiToken.objects.bulk_create(made, batch_size=5000)
    return tokens


class _server:
    """gunicorn serving the project on a free loopback port, on the same database."""

    def __enter__(self) -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        # The harness put the benchmark's database in DATABASE_URL; the server inherits it.
        env = {**os.environ, "SHAODIAN_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "shaodian.settings"}
        self.proc = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [sys.executable, "-m", "gunicorn", "shaodian.wsgi", "-b", f"127.0.0.1:{self.port}",
             "-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS),
             "--keep-alive", "30", "--reuse-port", "--log-level", "warning"],
            cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self.port
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def _request(port: int, token: str, person_id: int, day_student: bool, n: int) -> bytes:
    fever = n % FEVER_SHARE == 0
    body = json.dumps({
        "person_id": person_id, "slot": "morning", "temperature": "38.4" if fever else "36.6",
        "symptoms": ["cough"] if fever else [],
        "household_symptoms": False if day_student else None,
        "household_travel": False if day_student else None,
        "client_id": f"{CLIENT_PREFIX}{person_id}-{secrets.token_hex(6)}",
    }).encode()
    head = (f"POST /api/v1/health/checkins HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"X-Device-Id: bench-{person_id}\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


async def _read_response(reader) -> int:
    status_line = await reader.readline()
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return int(status_line.split()[1]) if status_line else 0


async def _drive(port: int, tokens: list) -> dict:
    queue = list(reversed(tokens))
    latencies, errors = [], []
    state = {"measuring": False}

    async def connection():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while queue and not state.get("stop"):
            n = len(queue)
            token, person_id, day_student = queue.pop()
            started = time.perf_counter()
            writer.write(_request(port, token, person_id, day_student, n))
            status = await _read_response(reader)
            if state["measuring"]:
                if status == 201:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors.append(status)
        writer.close()

    tasks = [asyncio.create_task(connection()) for _ in range(CONNECTIONS)]
    await asyncio.sleep(WARMUP_SECONDS)
    state["measuring"] = True
    began = time.perf_counter()
    await asyncio.sleep(SECONDS)
    state["measuring"] = False
    seconds = time.perf_counter() - began
    state["stop"] = True
    await asyncio.gather(*tasks, return_exceptions=True)
    if not queue and len(latencies) < 100:
        raise RuntimeError("ran out of guardians: raise SHAODIAN_BENCH_CHECKIN_GUARDIANS")
    latencies.sort()

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))] \
            if latencies else 0.0

    return {"ok": len(latencies), "errors": len(errors), "seconds": seconds,
            "p50": pct(0.5), "p99": pct(0.99)}


def _clean_up(started_at) -> None:
    """Someone's database: take away what the benchmark wrote."""
    from django_tasks_db.models import DBTaskResult

    from apps.access.models import ApiToken
    from apps.health.models import CheckIn

    CheckIn.objects.filter(client_id__startswith=CLIENT_PREFIX,
                           submitted_at__gte=started_at).delete()
    ApiToken.objects.filter(name=BENCH_LABEL).delete()
    DBTaskResult.objects.filter(enqueued_at__gte=started_at,
                                task_path="apps.health.tasks.recompute_after_checkins").delete()
    _say("removed the benchmark's check-ins, tokens and queued tasks")
