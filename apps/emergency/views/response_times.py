"""Trigger response times printed and exported (apps.emergency.response_list): the print
page shows the first PRINT_LIMIT triggers and says so; the workbook of them all is written
by the worker (apps.reports.exports), whose page shows its progress and the download.
Scoped as the alert's page and the trigger list are; each print and workbook is one
access-log row naming the alert or the school."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.access.audit import access_output
from apps.core.pages import print_page
from apps.emergency import response_list
from apps.reports.exports import export_request

KIND = "emergency_response_times"


def _params(request) -> dict:
    return {key: request.GET.get(key, "") for key in ("alert", "school")}


@login_required
@require_GET
def responses_print(request):
    found = response_list.scoped(user=request.user, params=_params(request))
    (meta, total), now = response_list.meta(found), timezone.now()
    rows = [response_list.row(n, t, now)
            for n, t in enumerate(found["triggers"][:response_list.PRINT_LIMIT], 1)]
    access_output(request=request, output="print", obj=found["obj"],
                  fields=response_list.FIELDS, rows=len(rows))
    back = (reverse("emergency:alert_detail", args=[found["obj"].pk]) if found["alert"]
            else reverse("emergency:triggers"))
    return print_page(request, "emergency/triggers/responses_print.html", {
        **found, "rows": rows, "headers": response_list.HEADERS, "total": total,
        "cut": total > len(rows)}, meta=meta,
        xlsx_url=reverse("emergency:trigger_responses_xlsx") + found["query"], back_url=back)


@login_required
@require_GET
def responses_xlsx(request):
    """Queue the workbook (the same one while it is being written) and show its progress."""
    job = export_request(user=request.user, kind=KIND, params=_params(request),
                         ip=request.META.get("REMOTE_ADDR") or None)
    return redirect("reports:export_job", job.pk)
