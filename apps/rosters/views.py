"""Roster import pages: upload and check (a dry run showing every error), then import all
or only the good rows; the history of imports; the templates to fill in."""

import base64
import binascii

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.pagination import CappedPaginator
from apps.orgs.models import School
from apps.people.models import PersonKind
from apps.rosters.forms import ImportForm
from apps.rosters.models import RosterImport
from apps.rosters.reading import RosterError, read_table
from apps.rosters.reports import roster_error_report_xlsx, roster_template_xlsx
from apps.rosters.services import PERM, roster_apply, roster_check, roster_plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ROWS = 20


def _schools(user):
    schools = list(School.objects.restrict(user, PERM).order_by("name"))
    if not schools:
        raise Http404
    return schools


def _uploaded(request, form) -> tuple[str, bytes] | None:
    """The file just uploaded, or the one checked before (carried in the preview page)."""
    upload = form.cleaned_data.get("file")
    if upload is not None:
        return upload.name, upload.read(settings.ROSTER_MAX_BYTES + 1)
    try:
        data = base64.b64decode(request.POST.get("content", ""), validate=True)
    except (binascii.Error, ValueError):
        return None
    return (request.POST.get("file_name", ""), data) if data else None


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request):
    schools = _schools(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, schools=schools)
    context = {"form": form, "plan": None, "content": "", "file_name": ""}
    if request.method != "POST" or not form.is_valid():
        return render(request, "rosters/import.html", context)
    uploaded = _uploaded(request, form)
    if uploaded is None:
        form.add_error("file", _("Choose a file."))
        return render(request, "rosters/import.html", context)
    name, data = uploaded
    school = next(s for s in schools if s.pk == form.cleaned_data["school"])
    kind, action = form.cleaned_data["kind"], request.POST.get("action", "check")
    try:
        if action == "apply":
            plan = roster_plan(actor=request.user, school=school, kind=kind,
                               table=read_table(name, data), file_name=name)
            result = roster_apply(actor=request.user, plan=plan,
                                  valid_only=form.cleaned_data["valid_only"])
            messages.success(request, _(
                "Imported: %(new)d new, %(updated)d updated, %(unchanged)d unchanged, "
                "%(rejected)d rows left out.") % result.__dict__)
            return redirect("rosters:history")
        plan = roster_check(actor=request.user, school=school, kind=kind, name=name, data=data)
    except RosterError as exc:
        form.add_error("file", exc.message)
        return render(request, "rosters/import.html", context)
    if action == "report":
        return _xlsx(roster_error_report_xlsx(plan), "errors.xlsx")
    context.update(plan=plan, preview=plan.rows[:PREVIEW_ROWS], file_name=name,
                   content=base64.b64encode(data).decode())
    return render(request, "rosters/import.html", context)


@login_required
@require_GET
def import_history(request):
    _schools(request.user)
    imports = RosterImport.objects.restrict(request.user, PERM).select_related("school", "user")
    page = CappedPaginator(imports, 25).get_page(request.GET.get("page"))
    return render(request, "rosters/history.html", {"page": page})


@login_required
@require_GET
def template(request, kind: str):
    _schools(request.user)
    if kind not in PersonKind.values:
        raise Http404
    lang = request.GET.get("lang") or translation.get_language() or "zh-hans"
    return _xlsx(roster_template_xlsx(kind, lang), f"roster-{kind}.xlsx")
