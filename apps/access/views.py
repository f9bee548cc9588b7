"""The access-log page: who looked at full ID numbers, health or travel data in the schools
the admin answers for, filtered, paged, and exported to Excel."""

import io

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.access import selectors
from apps.access.forms import LogFilterForm
from apps.access.rules import has_org_perm
from apps.core.pagination import CappedPaginator

EXPORT_ROWS = 100_000  # a longer log is narrowed by its filters first


def _form(request) -> LogFilterForm:
    if not has_org_perm(request.user, "access.view_log"):
        raise Http404
    return LogFilterForm(request.GET or None, user=request.user)


@login_required
@require_GET
def log_list(request):
    form = _form(request)
    rows = selectors.access_log(user=request.user, filters=form.filters())
    page = CappedPaginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "access/log.html", {
        "form": form, "page": page, "actions": selectors.ACTIONS, "query": query.urlencode()})


@login_required
@require_GET
def log_export(request):
    form = _form(request)
    rows = selectors.access_log(user=request.user, filters=form.filters())[:EXPORT_ROWS]
    response = HttpResponse(_workbook(rows), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="access-log-{day}.xlsx"'
    return response


def _workbook(rows) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet(_("Access log"))
    header = [_("When"), _("Who"), _("What"), _("School"), _("Record"), _("Fields"),
              _("Reason"), _("IP address")]
    sheet.write_row(0, 0, header, book.add_format({"bold": True}))
    for n, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        sheet.write_row(n, 0, [
            timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
            str(row.user) if row.user else "", str(selectors.ACTIONS.get(row.action, row.action)),
            row.school_id or "", f"{row.object_type}:{row.object_id}", row.fields, row.reason,
            row.ip or ""])
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 7, 16)
    book.close()
    return out.getvalue()
