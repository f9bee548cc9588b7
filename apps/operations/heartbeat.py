"""The worker's heartbeat: a thread that records a row every WORKER_HEARTBEAT_SECONDS and
queues again the tasks of workers whose heartbeat stopped (services.tasks_orphaned_requeue)."""

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from apps.operations.services import (
    periodic_task_enqueue,
    tasks_orphaned_requeue,
    worker_heartbeat_record,
)

logger = logging.getLogger(__name__)


class Heartbeat(threading.Thread):
    """Beats once in the caller's thread on start() (so the row exists before any task
    runs), then every `interval` seconds in its own thread until stop(); queues each
    of settings.PERIODIC_TASKS at start and then at its own period. Django connections
    are per thread, so the thread has its own and a long task in the worker never delays
    a beat; it is closed on exit."""

    def __init__(self, *, worker_id: str, interval: float | None = None):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval or settings.WORKER_HEARTBEAT_SECONDS
        self.started_at = timezone.now()
        self._stop_event = threading.Event()
        self._queued_at: dict[str, float] = {}

    def start(self) -> None:
        self.beat()
        super().start()

    def stop(self, timeout: float = 5) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)

    def beat(self) -> None:
        try:
            worker_heartbeat_record(worker_id=self.worker_id, started_at=self.started_at)
            # Every beat: a dead worker's task is back in the queue within a few beats,
            # whichever worker (or restart of it) is alive.
            tasks_orphaned_requeue()
            self.queue_due_tasks()
        except DatabaseError:
            # A missed beat is what /healthz reports; keep trying rather than die.
            logger.exception("heartbeat failed")
            connections.close_all()

    def queue_due_tasks(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        for path, period in settings.PERIODIC_TASKS.items():
            last = self._queued_at.get(path)
            if last is None or now - last >= period:
                periodic_task_enqueue(path)
                self._queued_at[path] = now

    def run(self) -> None:
        try:
            while not self._stop_event.wait(self.interval):
                self.beat()
        finally:
            connections.close_all()  # this thread's connections only
