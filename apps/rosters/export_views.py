"""Export downloads for the pages: GET gives a masked workbook; POST with a reason (and
CSRF) gives ID numbers and phones in full to a user allowed to see them."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponseBadRequest
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.errors import ValidationFailed
from apps.rosters import export


def download(result: export.Export) -> FileResponse:
    """Stream the workbook; closing the response closes (and so frees) the unlinked file."""
    response = FileResponse(result.file, as_attachment=True, filename=result.filename)
    response["X-Export-Rows"] = str(result.rows)
    add_never_cache_headers(response)  # a roster must not stay in a shared cache
    return response


@login_required
@require_http_methods(["GET", "POST"])
def people_xlsx(request):
    params = request.POST if request.method == "POST" else request.GET
    reveal = request.method == "POST" and bool(params.get("reveal"))
    try:
        result = export.export_people_xlsx(
            user=request.user,
            filters=export.parse_filters(params),
            reveal=reveal,
            reveal_reason=params.get("reason", "") if reveal else "",
            ip=request.META.get("REMOTE_ADDR") or None,
        )
    except ValidationFailed as exc:
        return HttpResponseBadRequest("\n".join(e.message for e in exc.errors))
    return download(result)


@login_required
@require_GET
def classes_xlsx(request):
    filters = export.parse_filters(request.GET)
    return download(export.export_classes_xlsx(user=request.user, filters=filters))


@login_required
@require_GET
def households_xlsx(request):
    filters = export.parse_filters(request.GET)
    return download(export.export_households_xlsx(user=request.user, filters=filters))
