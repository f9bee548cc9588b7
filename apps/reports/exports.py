"""Workbooks too large for a request, written by the worker (issue 16: "large exports run in
the worker with a progress bar"). One path for every such list: the request checks the
right at once and records an `ExportJob` (one per user, list and arguments while it is not
finished: asking twice gives the same job); on commit the worker (apps.reports.tasks) claims
it by a conditional UPDATE, calls the list's builder, commits its progress as it goes and
writes the workbook under settings.EXPORT_FILES_DIR, readable by this account only, with the
access-log row naming what was exported. The file is downloaded by its requester only and
deleted, with its job, after settings.EXPORT_FILES_KEEP_HOURS.

A builder (BUILDERS: the list's kind -> dotted path) is called as
`build(user=, params=, progress=)` and returns a `Built` (`progress(total)` gives a bar whose
`step(done)` it calls as it goes); `check(user=, params=)` is
called in the request and raises Http404 when the user may not have the list. Neither
runs in a transaction the other sees."""

import os
import time
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from apps.access.audit import OUTPUT_ACTIONS, access_record
from apps.core.routers import reads_from_primary, reads_from_replica
from apps.core.sheets import Sheet, xlsx_bytes
from apps.reports.models import ExportJob, ExportState

BUILDERS = {
    "emergency_readiness": "apps.emergency.readiness",
    "emergency_response_times": "apps.emergency.response_list",
}
UNFINISHED = (ExportState.QUEUED, ExportState.RUNNING)
PROGRESS_SECONDS = 0.5  # the worker commits its progress at most this often


@dataclass
class Built:
    filename: str  # ASCII, without ".xlsx"
    sheets: list[Sheet]
    obj: models.Model  # what the access log names (a bureau, a school)
    fields: str
    rows: int
    meta: dict = field(default_factory=dict)


def _builder(kind: str):
    if kind not in BUILDERS:
        raise Http404
    return import_string(BUILDERS[kind])


def export_path(job_id: int) -> Path:
    folder = Path(settings.EXPORT_FILES_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / f"export-{int(job_id)}.xlsx"


def export_request(*, user, kind: str, params: dict, ip: str | None = None) -> ExportJob:
    """Queue the list as a workbook (Http404 without the right to it); the same list asked
    again while it is being written is the same job."""
    module = _builder(kind)
    module.check(user=user, params=params)
    params = {**params, "lang": translation.get_language() or settings.LANGUAGE_CODE}
    with transaction.atomic():
        job = ExportJob.objects.filter(user=user, kind=kind, params=params,
                                       state__in=UNFINISHED).first()
        if job is None:
            job = ExportJob.objects.create(user=user, kind=kind, params=params, ip=ip or None)
            from apps.reports.tasks import run_export

            transaction.on_commit(partial(run_export.enqueue, job.pk))
    return job


class _Progress:
    """`step(done)` commits the count at most every PROGRESS_SECONDS (the run is in no
    transaction: the page's polling sees each UPDATE at once)."""

    def __init__(self, job_id: int, total: int):
        self.job_id, self.written = job_id, 0.0
        with reads_from_primary():
            ExportJob.objects.filter(pk=job_id).update(total=total, done=0)

    def step(self, done: int) -> None:
        now = time.monotonic()
        if now - self.written >= PROGRESS_SECONDS:
            with reads_from_primary():  # a counter: the export's reads stay on the replica
                ExportJob.objects.filter(pk=self.job_id).update(done=done)
            self.written = now


def export_run(*, job_id: int) -> ExportJob | None:
    """Write the workbook, once: a job already claimed (a duplicate or a retry) is left."""
    if not ExportJob.objects.filter(pk=job_id, state=ExportState.QUEUED).update(
            state=ExportState.RUNNING):
        return None
    export_path(job_id).unlink(missing_ok=True)  # a file left by a job of a reused id
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    try:
        # The rows are read from the replica when there is one (a workbook of a moment
        # ago is as good as one of now); the job and its progress stay on the primary.
        with (translation.override(job.params.get("lang") or settings.LANGUAGE_CODE),
              reads_from_replica()):
            built = _builder(job.kind).build(user=job.user, params=job.params,
                                             progress=partial(_Progress, job_id))
            data = xlsx_bytes(built.sheets)
    except Http404:
        _finish(job_id, ExportState.FAILED, failure="no longer allowed")
        return ExportJob.objects.get(pk=job_id)
    except Exception:  # the bar shows it failed; the worker records why
        _finish(job_id, ExportState.FAILED, failure="error")
        raise
    _write_private(export_path(job_id), data)
    with transaction.atomic():
        access_record(user=job.user, action=OUTPUT_ACTIONS["xlsx"], obj=built.obj,
                      fields=f"{built.fields}; rows={built.rows}", ip=job.ip)
        _finish(job_id, ExportState.DONE, file_name=f"{built.filename}.xlsx", done=built.rows,
                total=built.rows)
    return ExportJob.objects.get(pk=job_id)


def _finish(job_id: int, state: str, **values) -> None:
    ExportJob.objects.filter(pk=job_id).update(state=state, finished_at=timezone.now(),
                                               **values)


def _write_private(path: Path, data: bytes) -> None:
    """Readable by this account only, written whole under a temporary name and renamed."""
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def export_for(*, user, job_id: int) -> ExportJob:
    """The requester's own job, while it has not expired; anyone else's is a 404."""
    job = ExportJob.objects.filter(pk=job_id, user=user, created_at__gte=_expiry()).first()
    if job is None:
        raise Http404
    return job


def _expiry():
    return timezone.now() - timedelta(hours=settings.EXPORT_FILES_KEEP_HOURS)


def exports_prune() -> int:
    """Delete the jobs older than their keeping time and their files (and a file whose job
    is gone); returns how many jobs went. Safe to run twice."""
    old = ExportJob.objects.filter(created_at__lt=_expiry())
    ids = list(old.values_list("pk", flat=True))
    for job_id in ids:
        export_path(job_id).unlink(missing_ok=True)
    removed, _ = old.filter(pk__in=ids).delete()
    kept = {f"export-{pk}.xlsx" for pk in ExportJob.objects.values_list("pk", flat=True)}
    limit = time.time() - settings.EXPORT_FILES_KEEP_HOURS * 3600
    for path in export_path(0).parent.iterdir():
        if path.name not in kept and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
    return removed
