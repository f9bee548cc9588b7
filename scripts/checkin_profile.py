"""CPU per check-in submission in one process, without a server: N guardians' morning
check-ins (a new bearer token each, as `python -m bench checkin_submit` sends them) through
Django's WSGI handler and the whole middleware, on the PostgreSQL database of DATABASE_URL
holding a generated province (`python -m bench checkin_submit --persons 20000` makes one).

Prints the queries per submission, the Python CPU ms per submission (time.process_time) and
PostgreSQL's: the CPU of this connection's server process (/proc, the server on this
machine). `--profile` prints cProfile's top functions instead of timing. What it writes
(tokens, check-ins, queued tasks) is deleted at the end.

    DATABASE_URL=postgres://… .venv/bin/python scripts/checkin_profile.py [-n 2000] [--profile]
"""

import argparse
import io
import os
import statistics
import sys
import time

sys.path.insert(0, os.getcwd())  # the checkout it is run in (a baseline beside)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shaodian.settings")


def _environ(token: str, person_id: int, day_student: bool, fever: bool) -> dict:
    from bench.checkin_submit import checkin_body

    body = checkin_body(person_id, day_student=day_student, fever=fever, prefix="bench-")
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/health/checkins", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": True,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)), "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_X_DEVICE_ID": f"bench-{person_id}", "HTTP_HOST": "127.0.0.1:8000",
    }


def _warm_policies() -> None:
    """Every school's check-in rules in this process's cache, as in a server up for a
    while (the benchmark's warm-up): one load per bureau."""
    from apps.health.rules import rules_for_school
    from apps.orgs.models import School

    for school in School.objects.order_by("bureau_id").distinct("bureau_id").values_list(
            "pk", flat=True):
        rules_for_school(school)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2000, help="submissions timed")
    parser.add_argument("--warmup", type=int, default=300, help="submissions first, untimed")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (median shown)")
    parser.add_argument("--profile", action="store_true", help="cProfile instead of timing")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.checkin_submit import _clean_up, _guardian_tokens
    from bench.testing_scans import _cpu_seconds

    started_at = timezone.now()
    tokens = _guardian_tokens(args.n + args.warmup)
    if len(tokens) < args.n + args.warmup:
        raise SystemExit(f"only {len(tokens)} guardians: a larger province or a smaller -n")
    app = WSGIHandler()
    statuses = {}

    def submit(batch):
        for i, (token, person_id, day_student) in enumerate(batch):
            answer = []
            result = app(_environ(token, person_id, day_student, i % 50 == 0),
                         lambda status, headers, _a=answer: _a.append(status))
            b"".join(result)
            result.close()
            statuses[answer[0]] = statuses.get(answer[0], 0) + 1

    try:
        _warm_policies()
        submit(tokens[:args.warmup])
        timed = tokens[args.warmup:]
        with CaptureQueriesContext(connection) as queries:
            submit(timed[:50])
        counted = [q["sql"].split()[0] for q in queries.captured_queries]
        timed = timed[50:]
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile(time.process_time)  # CPU, not waiting
            profiler.runcall(submit, timed)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend = cursor.fetchone()[0]
            size = len(timed) // args.rounds
            rounds = []
            for n in range(args.rounds):
                part = timed[n * size:(n + 1) * size]
                cpu, server = time.process_time(), _cpu_seconds([backend])
                submit(part)
                rounds.append(((time.process_time() - cpu) / size * 1000,
                               (_cpu_seconds([backend]) - server) / size * 1000))
            python = statistics.median(r[0] for r in rounds)
            postgres = statistics.median(r[1] for r in rounds)
            print(f"submissions {size * args.rounds} in {args.rounds} rounds: answers {statuses}")
            print(f"queries per submission {len(counted) / 50:.2f} "
                  f"({', '.join(sorted(set(counted)))})")
            print("rounds (python, PostgreSQL ms): "
                  + ", ".join(f"{a:.2f}+{b:.2f}" for a, b in rounds))
            print(f"median python CPU {python:.3f} ms, PostgreSQL CPU {postgres:.3f} ms, "
                  f"together {python + postgres:.3f} ms per submission")
    finally:
        connection.close()
        _clean_up(started_at)
    return 0


if __name__ == "__main__":
    sys.exit(main())
