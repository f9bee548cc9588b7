from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.operations.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("worker_id", "seen_at", "started_at")
    allow_delete = True
