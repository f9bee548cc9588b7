"""Reads for /healthz: is the database reachable, when did a worker last beat."""

import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max
from django.utils import timezone

from apps.operations.models import WorkerHeartbeat


def database_check() -> tuple[bool, float]:
    """(reachable, milliseconds a SELECT 1 took)."""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False, round((time.perf_counter() - started) * 1000, 1)
    return True, round((time.perf_counter() - started) * 1000, 1)


def heartbeat_age_seconds() -> float | None:
    """Seconds since any worker last beat; None when none ever has."""
    last = WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
    return None if last is None else round((timezone.now() - last).total_seconds(), 1)


def health_report() -> dict:
    """What /healthz says. No personal data, nothing that needs a sign-in."""
    db_ok, db_ms = database_check()
    age = heartbeat_age_seconds() if db_ok else None
    limit = 3 * settings.WORKER_HEARTBEAT_SECONDS
    worker_ok = age is not None and age <= limit
    return {
        "status": "ok" if db_ok and worker_ok else "degraded",
        "database": {"ok": db_ok, "ms": db_ms},
        "worker": {"ok": worker_ok, "heartbeat_age_seconds": age, "max_age_seconds": limit},
    }
