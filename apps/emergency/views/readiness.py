"""The schools' emergency readiness printed and exported (apps.emergency.readiness): the
print page shows the first PRINT_LIMIT schools and says so; the workbook of them all is
written by the worker (apps.reports.exports), whose page shows its progress and the
download. Scoped as the readiness page is; each print and workbook is one access-log row
naming the bureau."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from apps.access.audit import access_output
from apps.core.pages import print_page
from apps.emergency import readiness
from apps.reports.exports import export_request


@login_required
@require_GET
def readiness_print(request):
    found = readiness.found(user=request.user, limit=readiness.PRINT_LIMIT)
    rows = [readiness.row(n, s, found["year_ago"]) for n, s in enumerate(found["schools"], 1)]
    access_output(request=request, output="print", obj=found["bureau"],
                  fields=readiness.FIELDS, rows=len(rows))
    return print_page(request, "emergency/plans/readiness_print.html",
                      {**found, "rows": rows, "headers": readiness.HEADERS,
                       "cut": found["totals"]["schools"] > len(rows)},
                      meta=found["meta"], xlsx_url=reverse("emergency:readiness_xlsx"),
                      back_url=reverse("emergency:plans"))


@login_required
@require_GET
def readiness_xlsx(request):
    """Queue the workbook (the same one while it is being written) and show its progress."""
    job = export_request(user=request.user, kind="emergency_readiness", params={},
                         ip=request.META.get("REMOTE_ADDR") or None)
    return redirect("reports:export_job", job.pk)
