"""What one station request costs, in one process on PostgreSQL (not a benchmark: a tool).

DATABASE_URL=postgres://... python -m bench._scans_profile [--tubes N] [--profile FILE]

Sends N tubes (open, ten scans one per request, close) through Django's test client with the
session cookie and CSRF header as the page sends them, and prints per kind of request the
queries and the CPU milliseconds of this process and of its PostgreSQL backend (read from
/proc: a local server). With --profile, cProfile's stats of the scan requests go to FILE.
Everything it writes is deleted after.
"""

import argparse
import io
import os
import time

from bench.testing_scans import (
    POOL,
    _clean_up,
    _ClientSender,
    _cpu_seconds,
    _generate_school,
    _rounds,
    _sampler,
    _tubes,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tubes", type=int, default=300)
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shaodian.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0, interactive=False, stdout=io.StringIO())
    made: dict = {}
    try:
        school = made["school"] = _generate_school(args.tubes * POOL + 20, code="BENCHPROFILE1")
        sampler = _sampler(school, made)
        rounds = _rounds(school, 1, made)
        from apps.people.models import Person

        people = list(Person.objects.filter(school=school).order_by("pk"))
        tubes = _tubes(rounds, people, (args.tubes + 1) * POOL)
        post = _ClientSender(sampler)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        _send(post, tubes[0], {})  # warm up: imports, caches, the connection
        stats = {
            kind: {"n": 0, "queries": 0, "app": 0.0, "db": 0.0}
            for kind in ("open", "scan", "close")
        }
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile(time.process_time)  # CPU, not waits
        for tube in tubes[1:]:
            _send(
                post,
                tube,
                stats,
                counted=CaptureQueriesContext,
                connection=connection,
                backend=backend,
                profiler=profiler,
            )
        if profiler is not None:
            profiler.dump_stats(args.profile)
        for kind, s in stats.items():
            n = s["n"]
            print(
                f"{kind:5}: {n:5} requests, {s['queries'] / n:5.1f} queries, "
                f"app {s['app'] / n * 1000:6.2f} ms, db {s['db'] / n * 1000:6.2f} ms, "
                f"total {(s['app'] + s['db']) / n * 1000:6.2f} ms CPU per request"
            )
        total = sum(s["app"] + s["db"] for s in stats.values())
        scans = stats["scan"]["n"]
        print(
            f"tube (open, {POOL} scans, close): {total / (scans / POOL) * 1000:.1f} ms CPU; "
            f"{total / scans * 1000:.2f} ms per scan"
        )
    finally:
        connection.close()
        _clean_up(made)


def _send(post, tube, stats, *, counted=None, connection=None, backend=None, profiler=None):
    steps = [
        (
            "open",
            tube["open"],
            {"client_id": tube["client_id"], "pool_size": POOL, "barcode": "", "station": "bench"},
            201,
        )
    ]
    for client_id, code in tube["scans"]:
        steps.append(("scan", None, {"scans": [{"client_id": client_id, "code": code}]}, 200))
    steps.append(("close", None, {"barcode": tube["barcode"]}, 200))
    tube_id = None
    for kind, path, body, status in steps:
        if path is None:
            path = f"/api/v1/testing/tubes/{tube_id}/{'scans' if kind == 'scan' else kind}"
        if not stats:
            answer = post(path, body, status)
        else:
            db0, app0 = _cpu_seconds([backend]), time.process_time()
            connection.queries_log.clear()  # a full log would miscount
            with counted(connection) as captured:
                if profiler is not None and kind == "scan":
                    profiler.enable()
                answer = post(path, body, status)
                if profiler is not None and kind == "scan":
                    profiler.disable()
            app, db = time.process_time() - app0, _cpu_seconds([backend]) - db0
            s = stats[kind]
            s["n"] += 1
            s["queries"] += len(captured.captured_queries)
            s["app"] += app
            s["db"] += db
        if kind == "open":
            tube_id = answer["tube"]["id"]


if __name__ == "__main__":
    main()
