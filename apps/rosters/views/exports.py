"""Export downloads for the pages: GET gives a masked workbook; POST with a reason (and
CSRF) gives ID numbers and phones in full to a user allowed to see them. An export of more
than settings.ROSTER_EXPORT_SYNC_ROWS rows is written by the worker: the user is sent to a
page with a progress bar and downloads the file from there when it is ready."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.errors import ValidationFailed
from apps.core.progress import progress_response
from apps.rosters.files import export_path
from apps.rosters.models import ExportStatus
from apps.rosters.services import exports
from apps.rosters.services.export_jobs import (
    export_is_large,
    roster_export_for,
    roster_export_request,
)
from apps.rosters.views.imports import finished, progress_context


def download(result: exports.Export) -> FileResponse:
    """Stream the workbook; closing the response closes (and so frees) the unlinked file."""
    response = FileResponse(result.file, as_attachment=True, filename=result.filename)
    response["X-Export-Rows"] = str(result.rows)
    add_never_cache_headers(response)  # a roster must not stay in a shared cache
    return response


def _large(request, list_name: str, filters: dict, **reveal):
    """Queue the export and send the user to its page, or None when it is small."""
    if not export_is_large(user=request.user, list_name=list_name, filters=filters):
        return None
    record = roster_export_request(user=request.user, list_name=list_name, filters=filters,
                                   ip=request.META.get("REMOTE_ADDR") or None, **reveal)
    return redirect("rosters_export:job", record.pk)


@login_required
@require_http_methods(["GET", "POST"])
def people_xlsx(request):
    params = request.POST if request.method == "POST" else request.GET
    reveal = request.method == "POST" and bool(params.get("reveal"))
    reason = params.get("reason", "") if reveal else ""
    filters = exports.parse_filters(params)
    try:
        queued = _large(request, "people", filters, reveal=reveal, reason=reason)
        if queued is not None:
            return queued
        result = exports.export_people_xlsx(
            user=request.user,
            filters=filters,
            reveal=reveal,
            reveal_reason=reason,
            ip=request.META.get("REMOTE_ADDR") or None,
        )
    except ValidationFailed as exc:
        return HttpResponseBadRequest("\n".join(e.message for e in exc.errors))
    return download(result)


@login_required
@require_GET
def classes_xlsx(request):
    filters = exports.parse_filters(request.GET)
    queued = _large(request, "classes", filters)
    return queued or download(exports.export_classes_xlsx(user=request.user, filters=filters))


@login_required
@require_GET
def households_xlsx(request):
    filters = exports.parse_filters(request.GET)
    queued = _large(request, "households", filters)
    return queued or download(exports.export_households_xlsx(user=request.user, filters=filters))


@login_required
@require_GET
def job(request, pk: int):
    record = roster_export_for(user=request.user, export_id=pk)
    context = {"record": record}
    if record.status == ExportStatus.QUEUED:
        context["progress"] = progress_context(f"export-{pk}", "")
    return render(request, "rosters/export_job.html", context)


@login_required
@require_GET
def job_progress(request, pk: int):
    record = roster_export_for(user=request.user, export_id=pk)
    if record.status != ExportStatus.QUEUED:
        return finished(request, "rosters_export:job", pk)
    return progress_response(request, progress_context(f"export-{pk}", ""), url=request.path,
                             element_id="job-progress")


@login_required
@require_GET
def job_file(request, pk: int):
    """The finished workbook, for its requester only."""
    return finished_download(roster_export_for(user=request.user, export_id=pk))


def finished_download(record) -> FileResponse:
    """The workbook the worker wrote; 404 until it is done (or once it is pruned)."""
    path = export_path(record.pk)
    if record.status != ExportStatus.DONE or not path.exists():
        raise Http404
    response = FileResponse(open(path, "rb"), as_attachment=True,  # noqa: SIM115
                            filename=record.file_name)
    response["X-Export-Rows"] = str(record.rows)
    add_never_cache_headers(response)
    return response
