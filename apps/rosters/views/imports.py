"""Roster import pages: upload (the file is kept on the server, encrypted) and check (a dry
run showing every error), then import all or only the good rows; a large file is checked
and imported by the worker while the page shows a progress bar. The history of imports;
the templates to fill in."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.pagination import CappedPaginator
from apps.core.progress import QUEUED, RUNNING, Progress, progress_response
from apps.orgs.models import School
from apps.orgs.services.fields import CHANGE
from apps.people.models import PersonKind
from apps.rosters.files import progress_read
from apps.rosters.forms import ImportForm
from apps.rosters.messages import in_reader_language, shown
from apps.rosters.models import IMPORT_PENDING, ImportStatus, RosterImport
from apps.rosters.reading import RosterError
from apps.rosters.reports import (
    roster_error_list_xlsx,
    roster_error_report_xlsx,
    roster_template_xlsx,
)
from apps.rosters.services import (
    PERM,
    roster_apply_request,
    roster_stored_plan,
    roster_upload,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 200
PHASES = {
    "read": gettext_lazy("Reading the file"),
    "check": gettext_lazy("Checking the rows"),
    "apply": gettext_lazy("Checking the rows, then writing them"),
    "export": gettext_lazy("Writing the rows"),
}


def _schools(user):
    schools = list(School.objects.restrict(user, PERM).order_by("name"))
    if not schools:
        raise Http404
    return schools


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def _record(request, pk: int) -> RosterImport:
    _schools(request.user)
    record = (RosterImport.objects.restrict(request.user, PERM)
              .select_related("school", "user", "applied_by").filter(pk=pk).first())
    if record is None:
        raise Http404
    return record


def progress_context(key: str, waiting: str) -> Progress:
    """The bar (apps.core.progress): the worker's last report, or queued while the job
    waits for a worker. Reading the file has no size yet: the bar is indeterminate."""
    found = progress_read(key)
    if not found:
        return Progress(QUEUED, label=waiting)
    phase = found["phase"]
    total = (found.get("total") or 0) if phase != "read" else 0
    return Progress(RUNNING, done=min(found["done"], total), total=total,
                    label=PHASES.get(phase, ""))


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request):
    schools = _schools(request.user)
    may_create = School.objects.restrict(request.user, CHANGE).filter(
        pk__in=[s.pk for s in schools]).exists()
    form = ImportForm(request.POST or None, request.FILES or None, schools=schools,
                      may_create_places=may_create)
    if request.method != "POST" or not form.is_valid():
        return render(request, "rosters/import.html", {"form": form})
    upload = form.cleaned_data.get("file")
    if upload is None:
        form.add_error("file", _("Choose a file."))
        return render(request, "rosters/import.html", {"form": form})
    school = next(s for s in schools if s.pk == form.cleaned_data["school"])
    try:
        record = roster_upload(actor=request.user, school=school,
                               kind=form.cleaned_data["kind"], name=upload.name,
                               data=upload.read(settings.ROSTER_MAX_BYTES + 1),
                               create_places=form.cleaned_data.get("create_places", False))
    except RosterError as exc:
        form.add_error("file", exc.message)
        return render(request, "rosters/import.html", {"form": form})
    record.refresh_from_db()
    if record.status == ImportStatus.REFUSED:  # checked at once: say why on the form
        form.add_error("file", in_reader_language(record.errors[0]["message"]))
        return render(request, "rosters/import.html", {"form": form})
    return redirect("rosters:detail", record.pk)


@login_required
@require_GET
def import_detail(request, pk: int):
    record = _record(request, pk)
    context = {"record": record, "errors": shown(record.errors[:ERRORS_SHOWN]),
               "pending": record.status in IMPORT_PENDING,
               "rows_valid": record.new + record.updated + record.unchanged}
    if context["pending"]:
        context["progress"] = progress_context(f"import-{pk}", _waiting(record))
    return render(request, "rosters/detail.html", context)


def _waiting(record: RosterImport) -> str:
    return _("Waiting for the worker to import it") if record.status == ImportStatus.APPLYING \
        else _("Waiting for the worker to check it")


@login_required
@require_GET
def import_progress(request, pk: int):
    """Polled by the page: the bar while the worker runs, then a reload to show the result."""
    record = _record(request, pk)
    if record.status not in IMPORT_PENDING:
        return finished(request, "rosters:detail", pk)
    return progress_response(request, progress_context(f"import-{pk}", _waiting(record)),
                             url=request.path, element_id="job-progress")


def finished(request, detail: str, pk: int) -> HttpResponse:
    """The job is over: htmx reloads the whole page, which shows the result."""
    if not request.htmx:
        return redirect(detail, pk)
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_apply(request, pk: int):
    record = _record(request, pk)
    try:
        record = roster_apply_request(actor=request.user, import_id=record.pk,
                                      valid_only=bool(request.POST.get("valid_only")))
    except RosterError as exc:
        messages.error(request, exc.message)
        return redirect("rosters:detail", pk)
    if record.status == ImportStatus.APPLIED:
        messages.success(request, _(
            "Imported: %(new)d new, %(updated)d updated, %(unchanged)d unchanged, "
            "%(rejected)d rows left out.") % {"new": record.new, "updated": record.updated,
                                              "unchanged": record.unchanged,
                                              "rejected": record.rejected})
        return redirect("rosters:history")
    return redirect("rosters:detail", pk)


@login_required
@require_GET
def import_errors(request, pk: int):
    """Every error of an import as a list (row, column, masked value, reason)."""
    record = _record(request, pk)
    return _xlsx(roster_error_list_xlsx(record), f"errors-{record.pk}.xlsx")


@login_required
@require_GET
def import_rows_to_fix(request, pk: int):
    """The rejected rows as they are in the file, with the reasons, while it is kept."""
    record = _record(request, pk)
    plan = roster_stored_plan(record)
    if plan is None:
        raise Http404
    return _xlsx(roster_error_report_xlsx(plan), "errors.xlsx")


@login_required
@require_GET
def import_history(request):
    _schools(request.user)
    imports = RosterImport.objects.restrict(request.user, PERM).select_related("school", "user")
    page = CappedPaginator(imports.defer("errors", "preview"), 25).get_page(
        request.GET.get("page"))
    return render(request, "rosters/history.html", {"page": page})


@login_required
@require_GET
def template(request, kind: str):
    _schools(request.user)
    if kind not in PersonKind.values:
        raise Http404
    lang = request.GET.get("lang") or translation.get_language() or "zh-hans"
    return _xlsx(roster_template_xlsx(kind, lang), f"roster-{kind}.xlsx")
