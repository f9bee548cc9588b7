"""Daily report pages: a school's report of a day (figures, submit, zero report, correction,
versions), a bureau's page (its schools submitted / late / missing with a reminder each, the
late and missing days of the last 30, its child bureaus' reports, its own report aggregated
and submitted upward). Views validate, call a service or selector, render."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from apps.access.audit import access_output
from apps.access.rules import may
from apps.core.errors import ValidationFailed
from apps.core.pages import print_page
from apps.core.progress import DONE, FAILED, QUEUED, RUNNING, Progress, progress_response
from apps.core.routers import reads_from_replica
from apps.core.sheets import XLSX, Sheet, meta_lines, xlsx_response
from apps.orgs.models import School
from apps.reports import exports, selectors, services
from apps.reports.figures import LABELS, to_report
from apps.reports.models import ExportState


def _day(value: str | None) -> date:
    """The day asked for (?day= or a form's day), today (Beijing) when absent or invalid; no
    day after today."""
    today = timezone.localdate()
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return today
    return min(day, today)


def _rows(figures: dict) -> list[tuple]:
    return [(name, label, figures.get(name, 0)) for name, label in LABELS.items()]


def _back(name: str, pk: int, day: date):
    return redirect(f"{reverse(name, args=[pk])}?day={day.isoformat()}")


@login_required
@require_GET
def index(request):
    bureaus = selectors.own_bureaus(request.user)
    if bureaus:
        return redirect("reports:bureau", bureau_id=bureaus[0].pk)
    schools = selectors.schools_for_user(request.user)
    if schools:
        return redirect("reports:school", school_id=schools[0].pk)
    raise PermissionDenied


@login_required
@require_GET
@reads_from_replica
def school_report(request, school_id: int):
    day = _day(request.GET.get("day"))
    school, report, versions = selectors.school_report(user=request.user, school_id=school_id,
                                                       day=day)
    figures = report.figures if report else {}
    return render(request, "reports/school.html", {
        "school": school, "report": report, "versions": versions, "day": day,
        "rows": _rows(figures), "to_report": [LABELS[n] for n in to_report(figures)],
        "to_report_names": to_report(figures),
        "state": selectors.state(report, timezone.now()),
        "may_submit": may(request.user, "reports.submit", School, school.pk)})


def _school_action(request, school_id: int, action, done: str):
    day = _day(request.POST.get("day"))
    try:
        action(day)
    except ValidationFailed as exc:
        messages.error(request, " ".join(e.message for e in exc.errors))
    else:
        messages.success(request, done)
    return day


@login_required
@require_POST
def school_submit(request, school_id: int):
    zero = request.POST.get("zero") == "1"
    day = _school_action(request, school_id, lambda day: services.report_submit(
        actor=request.user, school_id=school_id, day=day, zero=zero),
        _("The zero report is submitted.") if zero else _("The daily report is submitted."))
    return _back("reports:school", school_id, day)


@login_required
@require_POST
def school_correct(request, school_id: int):
    day = _school_action(request, school_id, lambda day: services.report_correct(
        actor=request.user, school_id=school_id, day=day,
        reason=request.POST.get("reason", "")), _("The correction is submitted."))
    return _back("reports:school", school_id, day)


@login_required
@require_POST
def school_remind(request, school_id: int):
    day = _school_action(request, school_id, lambda day: services.report_remind(
        actor=request.user, school_id=school_id, day=day), _("The school is reminded."))
    school = School.objects.filter(pk=school_id).values_list("bureau_id", flat=True).first()
    return _back("reports:bureau", school, day)


@login_required
@require_GET
@reads_from_replica
def bureau_page(request, bureau_id: int):
    day = _day(request.GET.get("day"))
    bureau = selectors.bureau_get(user=request.user, bureau_id=bureau_id)
    lines = selectors.bureau_schools(user=request.user, bureau=bureau, day=day)
    own = bureau.pk in {b.pk for b in selectors.own_bureaus(request.user)}
    report = selectors.bureau_report(user=request.user, bureau=bureau, day=day)
    return render(request, "reports/bureau.html", {
        "bureau": bureau, "day": day, "lines": lines, "counts": selectors.counts_of(lines),
        "children": selectors.bureau_children(user=request.user, bureau=bureau, day=day),
        "report": report, "rows": _rows(report.figures) if report else [],
        "own": own, "may_remind": own or bureau.parent_id is not None,
        "parent": bureau.parent if bureau.parent_id and selectors.bureaus_visible(
            request.user).filter(pk=bureau.parent_id).exists() else None})


@login_required
@require_POST
def bureau_aggregate(request, bureau_id: int):
    day = _day(request.POST.get("day"))
    services.bureau_report_aggregate(actor=request.user, bureau_id=bureau_id, day=day)
    messages.success(request, _("The bureau's report is aggregated from its schools."))
    return _back("reports:bureau", bureau_id, day)


@login_required
@require_POST
def bureau_submit(request, bureau_id: int):
    day = _day(request.POST.get("day"))
    try:
        services.bureau_report_submit(actor=request.user, bureau_id=bureau_id, day=day,
                                      reason=request.POST.get("reason", ""))
    except ValidationFailed as exc:
        messages.error(request, " ".join(e.message for e in exc.errors))
    else:
        messages.success(request, _("The bureau's report is submitted upward."))
    return _back("reports:bureau", bureau_id, day)


# Print and Excel ---------------------------------------------------------------------------
# A school's or a bureau's report of a day as a print page (web/print.html) and a workbook,
# each read through the same scoped selectors as the pages and recorded in the access log.

STATE_LABELS = {"submitted": gettext_lazy("Submitted"), "late": gettext_lazy("Submitted late"),
                "due": gettext_lazy("Not yet due"),
                "missing": pgettext_lazy("report", "Missing")}


def _stamp(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _who(user) -> str:
    return str(user) if user else "—"


def _school_meta(school, report, day: date, state: str) -> list[tuple]:
    return [(_("School"), school.name), (_("Day"), day.isoformat()),
            (_("Status"), STATE_LABELS[state]),
            (_("Zero report"), _("yes") if report and report.zero else _("no")),
            (_("Version"), report.version if report and report.version else "—"),
            (pgettext("report", "Submitted by"), _who(report.submitted_by if report else None)),
            (_("Submitted at"), _stamp(report.submitted_at if report else None)),
            (_("Due"), _stamp(report.due_at if report else None))]


def _school_output(request, school_id: int, output: str) -> tuple:
    day = _day(request.GET.get("day"))
    school, report, versions = selectors.school_report(user=request.user, school_id=school_id,
                                                       day=day)
    rows = _rows(report.figures if report else {})
    access_output(request=request, output=output, obj=report or school, fields="figures",
                  rows=len(rows))
    return day, school, report, versions, rows


@login_required
@require_GET
@reads_from_replica
def school_print(request, school_id: int):
    day, school, report, versions, rows = _school_output(request, school_id, "print")
    query = f"?day={day.isoformat()}"
    return print_page(request, "reports/school_print.html", {
        "school": school, "report": report, "versions": versions, "rows": rows, "day": day},
        meta=_school_meta(school, report, day, selectors.state(report, timezone.now())),
        xlsx_url=reverse("reports:school_xlsx", args=[school.pk]) + query,
        back_url=reverse("reports:school", args=[school.pk]) + query)


@login_required
@require_GET
@reads_from_replica
def school_xlsx(request, school_id: int):
    day, school, report, versions, rows = _school_output(request, school_id, "xlsx")
    meta = _school_meta(school, report, day, selectors.state(report, timezone.now()))
    return xlsx_response(filename=f"daily-report-{school.pk}-{day.isoformat()}", sheets=[
        Sheet(_("Daily report"), [_("Figure"), _("Value")],
              [(str(label), value) for _name, label, value in rows], widths=(40, 12),
              lead=meta_lines(meta)),
        Sheet(_("Versions"), ["#", _("Submitted at"), pgettext("report", "Submitted by"),
                              _("Zero report"), _("Late"), _("Reason for the correction")],
              [(v.number, v.submitted_at, _who(v.submitted_by), _("yes") if v.zero else "",
                _("yes") if v.late else "", v.reason) for v in versions],
              widths=(6, 18, 20, 12, 8, 40))])


def _bureau_output(request, bureau_id: int, output: str) -> tuple:
    day = _day(request.GET.get("day"))
    bureau = selectors.bureau_get(user=request.user, bureau_id=bureau_id)
    report = selectors.bureau_report(user=request.user, bureau=bureau, day=day)
    lines = selectors.bureau_schools(user=request.user, bureau=bureau, day=day)
    access_output(request=request, output=output, obj=report or bureau, fields="figures,schools",
                  rows=len(lines))
    return day, bureau, report, lines


def _bureau_meta(bureau, report, day: date, lines) -> list[tuple]:
    counts = selectors.counts_of(lines)
    return [(_("Bureau"), bureau.name), (_("Day"), day.isoformat()),
            (_("Status"), STATE_LABELS["submitted"] if report and report.submitted_at
             else _("Not submitted")),
            (_("Version"), report.version if report and report.version else "—"),
            (pgettext("report", "Submitted by"), _who(report.submitted_by if report else None)),
            (_("Submitted at"), _stamp(report.submitted_at if report else None)),
            (_("Schools submitted"), f"{counts['submitted'] + counts['late']} / {len(lines)}")]


def _school_lines(lines) -> list[tuple]:
    return [(line.school.name, str(STATE_LABELS[line.state]),
             _("yes") if line.report and line.report.zero else "",
             _stamp(line.report.submitted_at if line.report else None),
             line.late_30, line.missing_30) for line in lines]


SCHOOL_HEADERS = (gettext_lazy("School"), gettext_lazy("Status"), gettext_lazy("Zero report"),
                  gettext_lazy("Submitted at"), gettext_lazy("Late (30 days)"),
                  gettext_lazy("Missing (30 days)"))


@login_required
@require_GET
@reads_from_replica
def bureau_print(request, bureau_id: int):
    day, bureau, report, lines = _bureau_output(request, bureau_id, "print")
    query = f"?day={day.isoformat()}"
    return print_page(request, "reports/bureau_print.html", {
        "bureau": bureau, "report": report, "day": day,
        "rows": _rows(report.figures) if report else [], "headers": SCHOOL_HEADERS,
        "schools": _school_lines(lines)},
        meta=_bureau_meta(bureau, report, day, lines),
        xlsx_url=reverse("reports:bureau_xlsx", args=[bureau.pk]) + query,
        back_url=reverse("reports:bureau", args=[bureau.pk]) + query)


@login_required
@require_GET
@reads_from_replica
def bureau_xlsx(request, bureau_id: int):
    day, bureau, report, lines = _bureau_output(request, bureau_id, "xlsx")
    meta = _bureau_meta(bureau, report, day, lines)
    rows = _rows(report.figures) if report else []
    return xlsx_response(filename=f"bureau-report-{bureau.pk}-{day.isoformat()}", sheets=[
        Sheet(_("Daily report"), [_("Figure"), _("Value")],
              [(str(label), value) for _name, label, value in rows], widths=(40, 12),
              lead=meta_lines(meta)),
        Sheet(_("Schools"), SCHOOL_HEADERS, _school_lines(lines),
              widths=(30, 14, 10, 18, 14, 14))])


# Workbooks the worker writes (apps.reports.exports): the job's page, its bar, its file ----


EXPORT_TITLES = {"emergency_readiness": gettext_lazy("Emergency readiness of the schools"),
                 "emergency_response_times": gettext_lazy("Trigger response times")}


def _export_progress(job) -> Progress:
    """The bar from what the worker committed: its state and its rows done of total."""
    if job.state == ExportState.DONE:
        return Progress(DONE, done=job.done, total=job.total,
                        result_url=reverse("reports:export_file", args=[job.pk]),
                        result_label=_("Download"))
    if job.state == ExportState.FAILED:
        return Progress(FAILED, label=_("The workbook could not be written: you may no "
                                        "longer export this list, or the server failed."))
    if job.state == ExportState.QUEUED:
        return Progress(QUEUED)
    return Progress(RUNNING, done=min(job.done, job.total), total=job.total)


@login_required
@require_GET
def export_job(request, pk: int):
    job = exports.export_for(user=request.user, job_id=pk)
    return render(request, "reports/export_job.html", {
        "job": job, "title": EXPORT_TITLES.get(job.kind, job.kind),
        "progress": _export_progress(job), "keep_hours": settings.EXPORT_FILES_KEEP_HOURS})


@login_required
@require_GET
def export_progress(request, pk: int):
    job = exports.export_for(user=request.user, job_id=pk)
    return progress_response(request, _export_progress(job), url=request.path,
                             element_id="export-progress")


@login_required
@require_GET
def export_file(request, pk: int):
    """The finished workbook, for its requester only, until it expires."""
    job = exports.export_for(user=request.user, job_id=pk)
    path = exports.export_path(job.pk)
    if job.state != ExportState.DONE or not path.exists():
        raise Http404
    response = FileResponse(open(path, "rb"), as_attachment=True,  # noqa: SIM115
                            filename=job.file_name, content_type=XLSX)
    add_never_cache_headers(response)
    return response
