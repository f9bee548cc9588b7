"""Runs the demo: the web server (gunicorn) and the background worker as child processes,
stopped together on Ctrl-C or SIGTERM, or when either of them dies."""

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

STOP_GRACE_SECONDS = 10


def child_commands(host: str, port: int, threads: int = 4) -> dict[str, list[str]]:
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    return {
        "web": [
            sys.executable,
            "-m",
            "gunicorn",
            "shaodian.wsgi",
            "--bind",
            f"{host}:{port}",
            "--worker-class",
            "gthread",
            "--workers",
            "1",
            "--threads",
            str(threads),
            "--graceful-timeout",
            "5",
            "--chdir",
            str(settings.BASE_DIR),
        ],
        "worker": [sys.executable, manage, "worker"],
    }


def wait_for_port(host: str, port: int, timeout: float = 30.0) -> bool:
    """True once something accepts connections on host:port, False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


@dataclass
class Supervisor:
    commands: dict[str, list[str]]
    poll_seconds: float = 0.5
    children: dict[str, subprocess.Popen] = field(default_factory=dict)
    _stopping: bool = False

    def start(self) -> None:
        for name, command in self.commands.items():
            # A session of their own: Ctrl-C reaches only us, and we stop them in order.
            self.children[name] = subprocess.Popen(command, start_new_session=True)  # noqa: S603 — our own argv

    def run(self, on_started: Callable[[], None] = lambda: None) -> int:
        """Start the children and wait; returns the exit status for the command."""
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            self.start()
            on_started()
            while not self._stopping:
                dead = [name for name, child in self.children.items() if child.poll() is not None]
                if dead:
                    sys.stderr.write(
                        f"{', '.join(dead)} stopped unexpectedly; stopping the demo.\n"
                    )
                    self.stop()
                    return 1
                time.sleep(self.poll_seconds)
            self.stop()
            return 0
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum, frame) -> None:
        self._stopping = True

    def stop(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
