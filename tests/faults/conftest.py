"""Fault injection on PostgreSQL: workers killed, the database restarted, a soak.

These tests start real processes (`manage.py worker`, a web server, a private PostgreSQL),
which see only committed data and the real clock: every test here is transactional and
runs at the real time, not the suite's fixed one (shaodian/testing/clock.py)."""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import time_machine
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
HEARTBEAT_SECONDS = 1  # the spawned workers beat every second: a dead one is seen in ~3 s


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(item.fspath).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.faults)


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("fault tests kill processes around a shared PostgreSQL database "
                    "(COPY, row locks, pg_ctl); set DATABASE_URL=postgres://...")


@pytest.fixture
def clock():
    """The real time, as the worker and server processes see it (overrides the suite's)."""
    real = time_machine.escape_hatch.time.time()
    with time_machine.travel(datetime.datetime.fromtimestamp(real, datetime.UTC),
                             tick=True) as traveller:
        yield traveller


def database_url(settings_dict=None) -> str:
    """The URL of the database the test runs on (pytest-django's test_<name>)."""
    s = settings_dict or connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def process_env(**extra) -> dict:
    from django.conf import settings

    return {**os.environ, "DATABASE_URL": database_url(),
            "SHAODIAN_WORKER_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
            "SHAODIAN_ROSTER_FILES_DIR": str(settings.ROSTER_FILES_DIR),
            "SHAODIAN_FAST_HASHER": "1", "PYTHONUNBUFFERED": "1",
            **{k: str(v) for k, v in extra.items()}}


class Worker:
    """`manage.py worker` in a session of its own, so SIGKILL reaches everything it started
    (the roster import's own process and its forked checker) at once, as a lost machine."""

    def __init__(self, log: Path, **env):
        self.worker_id = f"fault-{uuid.uuid4().hex[:12]}"
        self.log = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter and manage.py
            [sys.executable, str(ROOT / "manage.py"), "worker", "--no-reload",
             "--no-startup-delay", "--interval", "0.2", "--worker-id", self.worker_id],
            env=process_env(**env), cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self.log.close()


@contextmanager
def workers(tmp_path: Path, **env):
    """Start workers with `start()`; every one is killed on the way out, whatever happens."""
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(tmp_path / "worker.log", **env)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.kill()


def wait_for(condition, *, timeout: float, what: str, every: float = 0.05, log: Path = None):
    """Poll `condition` until it returns something true; fail naming `what` (and the log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{tail}")


def task_rows(path: str):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=path)
