"""Clients of a live server as the real ones behave, for the soak and the fault tests: a gate
terminal (apps/gate/static/gate/kiosk.js) and a check-in client that retries, plus gunicorn
serving the project on a given database.

A gate terminal scans online; when the scan gets no answer or a server error (5xx: the
server could not record it), it keeps the scan in its queue under the same client id and
uploads the queue (POST /api/v1/gate/checks/batch) later, forgetting a queued record once an
upload answers 200. A check-in client retries a submission with the same client id until it
gets an answer below 500. Both send every request as its own keep-alive request, and count
what they sent by client id so a test can compare with what the database holds.
"""

import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, *, workers: int = 2, threads: int = 8, log: Path | None = None,
             app: str = "shaodian.wsgi", settings: str = "shaodian.settings",
             quiet: bool = True, extra: tuple[str, ...] = ()):
    """`app` (the project, or bench/gate_server's with its bare view) on a free loopback
    port, on `database_url`; yields (port, process). Its output goes to `log`, or nowhere
    when quiet, or to this process's. `extra` gunicorn flags come last (the last of a flag
    given twice wins). Stopped, then killed, on the way out."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SHAODIAN_DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": settings}
    out = log.open("ab") if log else subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(  # noqa: S603 (our interpreter, a fixed command line)
        [sys.executable, "-m", "gunicorn", app, "-b", f"127.0.0.1:{port}",
         "-w", str(workers), "-k", "gthread", "--threads", str(threads), "--keep-alive", "30",
         "--log-level", "warning", *extra], cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        _wait_listening(port, process)
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            out.close()


def worker(env: dict, *args: str, out=subprocess.DEVNULL, err=None) -> subprocess.Popen:
    """`manage.py worker` polling every 0.2 s (plus `args`), in a session of its own, so a
    signal to its process group reaches everything it started (the roster import's own
    process and its forked checker) at once. Its output to `out`, its errors to `err` (this
    process's by default)."""
    return subprocess.Popen(  # noqa: S603 - our interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), "worker", "--interval", "0.2", *args],
        env=env, cwd=ROOT, stdout=out, stderr=err, start_new_session=True)


def _wait_listening(port: int, process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (gunicorn's master and workers)."""
    total = 0
    for p in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def children(pid: int) -> list[int]:
    """Every process under `pid` (gunicorn's workers), from /proc."""
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    kids = [int(p) for p in found]
    return kids + [g for k in kids for g in children(k)]


class Client:
    """One keep-alive connection (a new one after any error), bearer token auth."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.conn: http.client.HTTPConnection | None = None

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        """(status, JSON answer); status 0 when the request got no answer."""
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            self.conn.request("POST", path, json.dumps(body).encode(), {
                "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, {}
        try:
            return response.status, json.loads(raw or b"null") or {}
        except ValueError:
            return response.status, {}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Terminal:
    """A gate terminal following kiosk.js: scan online, else queue; upload the queue."""

    BATCH = 1000  # kiosk.js uploads at most this many records at once

    def __init__(self, port: int, token: str, school_id: int, prefix: str):
        self.client = Client(port, token)
        self.school_id, self.prefix = school_id, prefix
        self.sent: list[str] = []  # every client id scanned, online or not
        self.refused: list[str] = []  # answered 4xx: not to be recorded
        self.queue: list[dict] = []
        self.queued: list[str] = []  # client ids that went to the queue
        self.answered_at: dict[str, float] = {}  # client id: when answered online (monotonic)
        self.answered = self.queued_total = 0

    def scan(self, number: str, *, retry_lost_answer: bool = False) -> None:
        """One scan. `retry_lost_answer` sends it twice, as a terminal that lost the first
        answer would (the server must record it once)."""
        client_id = f"{self.prefix}{uuid.uuid4().hex[:16]}"
        self.sent.append(client_id)
        body = {"code_or_number": number, "temperature": "36.6", "direction": "in",
                "client_id": client_id, "school_id": self.school_id}
        status, _answer = self.client.post("/api/v1/gate/verdicts", body)
        if retry_lost_answer and status == 200:
            status, _answer = self.client.post("/api/v1/gate/verdicts", body)
        if status == 0 or status >= 500:  # offline: decided on the snapshot, queued
            self.queue.append({"client_id": client_id, "number": number, "temperature": 36.6,
                               "direction": "in", "verdict": "pass", "reasons": ["ok"],
                               "at": datetime.now(UTC).isoformat()})
            self.queued.append(client_id)
            self.queued_total += 1
        elif status == 200:
            self.answered_at[client_id] = time.monotonic()
            self.answered += 1
        else:
            self.refused.append(client_id)

    def upload(self) -> bool:
        """One upload of the queue's head; True when the queue is empty afterwards."""
        if not self.queue:
            return True
        batch = self.queue[:self.BATCH]
        status, _answer = self.client.post("/api/v1/gate/checks/batch",
                                           {"school_id": self.school_id, "records": batch})
        if status == 200:
            done = {r["client_id"] for r in batch}
            self.queue = [r for r in self.queue if r["client_id"] not in done]
        return not self.queue


class CheckinClient:
    """A guardian's phone: submits with a new client id, retries with the same one until
    the server answers (below 500)."""

    def __init__(self, port: int, token: str, person_id: int, day_student: bool, prefix: str):
        self.client = Client(port, token)
        self.person_id, self.day_student, self.prefix = person_id, day_student, prefix
        self.sent: list[str] = []
        self.refused: list[str] = []  # answered 4xx, or never answered (given up)
        self.accepted = self.retries = 0
        self.failed_statuses: Counter = Counter()  # what made it retry (0: no answer)

    def submit(self, *, retry_lost_answer: bool = False, attempts: int = 20) -> None:
        client_id = f"{self.prefix}{uuid.uuid4().hex[:16]}"
        self.sent.append(client_id)
        body = {"person_id": self.person_id, "slot": "morning", "temperature": "36.6",
                "symptoms": [], "household_symptoms": False if self.day_student else None,
                "household_travel": False if self.day_student else None,
                "client_id": client_id}
        for attempt in range(attempts):
            status, _answer = self.client.post("/api/v1/health/checkins", body)
            if retry_lost_answer and status in (200, 201) and attempt == 0:
                self.retries += 1
                continue  # as if the answer was lost: the same submission again
            if 0 < status < 500:
                break
            self.retries += 1
            self.failed_statuses[status] += 1
            time.sleep(min(0.05 * 2 ** attempt, 1.0))
        if status in (200, 201):
            self.accepted += 1
        else:
            self.refused.append(client_id)


def taking_turns(clients: list, act):
    """An action for Paced: the next free client (each is used by one thread at a time)
    does `act(client, n)`."""
    free: queue.Queue = queue.Queue()
    for client in clients:
        free.put(client)

    def action(n: int) -> None:
        client = free.get()
        try:
            act(client, n)
        finally:
            free.put(client)

    return action


class Paced(threading.Thread):
    """Calls `action(n)` `rate` times a second (scheduled by the clock) until `stop` is set,
    spread over the threads of a small pool so one slow answer does not stall the rate."""

    def __init__(self, action, rate: float, stop: threading.Event, pool: int = 16):
        super().__init__(daemon=True)
        self.action, self.rate, self.stop, self.pool = action, rate, stop, pool
        self.done = 0
        self._lock = threading.Lock()
        self._next = 0

    def _take(self) -> int | None:
        with self._lock:
            n = self._next
            self._next += 1
        due = self.started + n / self.rate
        delay = due - time.monotonic()
        if delay > 0 and self.stop.wait(delay):
            return None
        return None if self.stop.is_set() else n

    def _work(self) -> None:
        while (n := self._take()) is not None:
            self.action(n)
            with self._lock:
                self.done += 1

    def run(self) -> None:
        self.started = time.monotonic()
        workers = [threading.Thread(target=self._work, daemon=True) for _ in range(self.pool)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
