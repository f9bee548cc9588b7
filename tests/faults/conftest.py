"""Fault injection on PostgreSQL: workers killed, the database restarted, a soak.

These tests start real processes (`manage.py worker`, a web server, a private PostgreSQL),
which see only committed data and the real clock: every test here is transactional and
runs at the real time, not the suite's fixed one (shaodian/testing/clock.py)."""

import datetime
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import time_machine
from django.db import connection

from bench.live import worker

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
        self.process = worker(process_env(**env), "--no-reload", "--no-startup-delay",
                              "--worker-id", self.worker_id, out=self.log,
                              err=subprocess.STDOUT)

    def kill(self, *, alone: bool = False) -> None:
        """SIGKILL to the worker and all it started, or with `alone` to the worker only
        (what it started lives on, as after an out-of-memory kill of the worker)."""
        if self.process.poll() is None:
            if alone:
                os.kill(self.process.pid, signal.SIGKILL)
            else:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        if not alone:
            self.log.close()

    def close(self) -> None:
        """Everything still running in the worker's session killed (the survivors of a kill
        `alone` too: the session outlives its leader), the log closed."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.process.poll() is None:
            self.process.wait(10)
        if not self.log.closed:
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
            worker.close()


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


class PrivatePostgres:
    """A PostgreSQL server of the test's own (initdb in a temporary folder, a free port),
    which it may restart without touching anyone else's. initdb refuses to run as root:
    as root, the server runs as the `postgres` user."""

    def __init__(self, bindir: Path):
        from bench.live import free_port

        self.bindir, self.port = bindir, free_port()
        self.base = Path(tempfile.mkdtemp(prefix="shaodian-faults-pg-"))
        self.data, self.logfile = self.base / "data", self.base / "server.log"
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.base, "postgres")

    def url(self, name: str = "shaodian") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, tool: str, *args: str, timeout: float = 120) -> None:
        subprocess.run([*self.as_owner, str(self.bindir / tool), *args], check=True,  # noqa: S603
                       timeout=timeout, capture_output=True, cwd=self.base)

    def _ctl(self, action: str, *extra: str) -> None:
        self._run("pg_ctl", action, "-D", str(self.data), "-l", str(self.logfile), "-w",
                  "-o", f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1",
                  *extra)

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E",
                  "UTF8", "--no-sync")
        self._ctl("start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "shaodian")

    def restart(self) -> None:
        """Stopped as an operator would (fast: sessions cut, transactions rolled back)."""
        self._ctl("restart", "-m", "fast")

    def crash(self) -> None:
        """Stopped as by a crash (immediate: no shutdown checkpoint, WAL not yet written is
        gone), then started again, recovering from the WAL."""
        self._ctl("restart", "-m", "immediate")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate")
            except subprocess.SubprocessError:
                pass
        shutil.rmtree(self.base, ignore_errors=True)


def postgres_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


@pytest.fixture
def private_postgres():
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed "
                    "(/usr/lib/postgresql/*/bin): the restart test needs a server of its own")
    server = PrivatePostgres(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def manage(database_url: str, *args: str, timeout: float = 300) -> str:
    """`manage.py args...` on another database; its standard output."""
    done = subprocess.run(  # noqa: S603 - our interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, capture_output=True,
        text=True, timeout=timeout, env={**process_env(), "DATABASE_URL": database_url})
    if done.returncode:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout
