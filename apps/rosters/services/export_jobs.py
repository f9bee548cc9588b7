"""Large exports in the worker: the request checks the right to export (and to see full
numbers, with a reason) at once, then the worker writes the workbook to a file only its
requester may download, with progress for the page. Small exports stay in the request
(apps.rosters.views.exports)."""

import json
import os
import shutil
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from apps.access.models import User
from apps.core.crypto import decrypt_text, encrypt_text
from apps.core.errors import ValidationFailed
from apps.core.identity import mask_document, normalize_document
from apps.people import selectors as people_selectors
from apps.rosters.files import Progress, export_path, progress_clear
from apps.rosters.models import ExportStatus, RosterExport
from apps.rosters.services import exports

WRITERS = {"people": exports.export_people_xlsx, "classes": exports.export_classes_xlsx,
           "households": exports.export_households_xlsx}


def export_is_large(*, user, list_name: str, filters: dict) -> bool:
    limit = settings.ROSTER_EXPORT_SYNC_ROWS
    return exports.export_count(user=user, list_name=list_name, filters=filters,
                               limit=limit + 1) > limit


def _shown(filters: dict) -> dict:
    """The filters as the page shows them: a document number typed as the search masked."""
    shown = dict(filters)
    query = normalize_document(shown.get("q", ""))
    if query and people_selectors.DOCUMENT_LIKE.fullmatch(query):
        shown["q"] = mask_document(query)
    return shown


def roster_export_request(*, user, list_name: str, filters: dict, reveal: bool = False,
                          reason: str = "", ip=None) -> RosterExport:
    """Record a large export and queue it. Http404 without the right to export (or to see
    every exported person's full number); ValidationFailed when a reason is missing."""
    if list_name not in WRITERS:
        raise Http404
    exports.export_count(user=user, list_name=list_name, filters=filters, limit=1)  # the right
    reveal = list_name == "people" and (reveal or bool(str(reason or "").strip()))
    if reveal:
        reason = exports._check_reveal(user, exports._people_queryset(user, filters), reason)
    record = RosterExport.objects.create(
        user=user, list_name=list_name, filters=_shown(filters), reveal=reveal,
        reason=reason if reveal else "", ip=ip or None,
        query_cipher=encrypt_text(json.dumps(filters)),
    )
    from apps.rosters.tasks import run_export

    transaction.on_commit(partial(run_export.enqueue, record.pk))
    return record


def roster_export_run(*, export_id: int) -> RosterExport | None:
    """Write the export (once: the record is claimed by a conditional UPDATE in the same
    transaction as its access-log row)."""
    key = f"export-{export_id}"
    with transaction.atomic():
        if not RosterExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
                status=F("status")):
            return None
        record = RosterExport.objects.get(pk=export_id)
        user = User.objects.get(pk=record.user_id)
        filters = json.loads(decrypt_text(record.query_cipher))
        options = {}
        if record.reveal:
            options = {"reveal": True, "reveal_reason": record.reason, "ip": record.ip}
        try:
            total = exports.export_count(user=user, list_name=record.list_name, filters=filters)
            progress = Progress(key, "export", total)
            result = WRITERS[record.list_name](user=user, filters=filters,
                                               progress=progress.step, **options)
        except (Http404, ValidationFailed):
            RosterExport.objects.filter(pk=export_id).update(
                status=ExportStatus.FAILED, finished_at=timezone.now(),
                failure="no longer allowed")
            progress_clear(key)
            return RosterExport.objects.get(pk=export_id)
        # Readable by this account only: an unmasked export holds full ID numbers.
        fd = os.open(export_path(export_id), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with result.file, os.fdopen(fd, "wb") as target:
            shutil.copyfileobj(result.file, target, 1 << 20)
        RosterExport.objects.filter(pk=export_id).update(
            status=ExportStatus.DONE, rows=result.rows, file_name=result.filename,
            finished_at=timezone.now())
    progress_clear(key)
    return RosterExport.objects.get(pk=export_id)


def roster_export_for(*, user, export_id: int) -> RosterExport:
    """The requester's own export; anyone else's is a 404."""
    record = RosterExport.objects.filter(pk=export_id, user=user).first()
    if record is None:
        raise Http404
    return record
