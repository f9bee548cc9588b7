from django.db import models


class WorkerHeartbeat(models.Model):
    """The background worker's last sign of life, read by /healthz."""

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()
    started_at = models.DateTimeField()
