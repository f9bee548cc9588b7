from django.db import models


class WorkerHeartbeat(models.Model):
    """The background worker's last sign of life, read by /healthz."""

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} {self.seen_at:%Y-%m-%d %H:%M:%S}"
