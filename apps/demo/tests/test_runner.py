"""run_demo: the web server and the worker start together and stop together."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from apps.demo.runner import Supervisor, child_commands

SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_it_runs_gunicorn_and_the_worker():
    commands = child_commands("127.0.0.1", 8123)
    assert commands["web"][1:4] == ["-m", "gunicorn", "shaodian.wsgi"]
    assert "127.0.0.1:8123" in commands["web"]
    assert commands["worker"][-1] == "worker"


def test_it_stops_both_children_on_sigterm():
    supervisor = Supervisor({"web": SLEEP, "worker": SLEEP}, poll_seconds=0.05)
    status = supervisor.run(on_started=lambda: os.kill(os.getpid(), signal.SIGTERM))
    assert status == 0
    assert all(child.poll() is not None for child in supervisor.children.values())


def test_it_stops_the_other_child_when_one_dies():
    supervisor = Supervisor(
        {"web": [sys.executable, "-c", "pass"], "worker": SLEEP}, poll_seconds=0.05
    )
    assert supervisor.run() == 1
    assert supervisor.children["worker"].poll() is not None


def _healthy(url: str, timeout: float = 60) -> bool:
    """/healthz answers 200 once the database is reachable and the worker has beaten."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:  # noqa: S310
                return reply.status == 200
        except OSError:  # 503 until the worker's first heartbeat
            time.sleep(0.5)
    return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_it_serves_the_demo_and_exits_cleanly_on_sigterm(tmp_path):
    # The demo on its own SQLite file: without the PostgreSQL run's replica, which SQLite
    # refuses (shaodian/settings.py).
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"},
        "SHAODIAN_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    for step in (
        ["migrate", "-v", "0"],
        ["load_regions"],
        ["generate_province", "--persons", "200", "--demo", "-v", "0"],
    ):
        subprocess.run(manage + step, env=env, check=True, capture_output=True, timeout=300)  # noqa: S603
    port = _free_port()
    demo = subprocess.Popen(  # noqa: S603
        manage + ["run_demo", "--port", str(port)],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        output = ""
        while "Ctrl-C" not in output:
            line = demo.stdout.readline()
            assert line, "run_demo ended before it was ready"
            output += line
        assert f"http://127.0.0.1:{port}/" in output
        assert "class_teacher" in output and "shaodian-demo" in output
        assert _healthy(f"http://127.0.0.1:{port}/healthz"), "web server and worker both up"
    finally:
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=20) == 0
    time.sleep(0.5)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
