"""Trigger pages: case reports (enter, correct, withdraw) for the province and bureaus; each
school's triggers with the 30-minute clock, the answer and the trace-back list; each alert's
schools by state and lateness with a chart of response times."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.access.rules import has_perm_anywhere, may_in_region
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.progress import progress_response
from apps.emergency import reports, response, selectors
from apps.emergency.models import Alert, CaseReport, Mode

PAGE = 50


class CaseReportForm(forms.Form):
    region = forms.CharField(label=gettext_lazy("Region"), max_length=60,
                             help_text=gettext_lazy("A county or city: code or name, e.g. "
                                                    "310115 or 上海市浦东新区."))
    sub_area = forms.CharField(label=gettext_lazy("Street or compound"), max_length=200,
                               required=False)
    reported_on = forms.DateField(label=gettext_lazy("Reported on"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    cases = forms.IntegerField(label=pgettext_lazy("count", "Cases"), min_value=0, initial=1)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300,
                             help_text=gettext_lazy("The health commission's notice."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))
    valid_only = forms.BooleanField(label=gettext_lazy("Record the good rows only"),
                                    required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300,
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    cases = forms.IntegerField(label=pgettext_lazy("count", "Cases"), min_value=0, required=False,
                               widget=forms.NumberInput(attrs={"class": "form-control"}))


class DecideForm(forms.Form):
    mode = forms.ChoiceField(label=gettext_lazy("Mode"), choices=Mode.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False,
                             widget=forms.TextInput(attrs={"class": "form-control"}),
                             help_text=gettext_lazy("Required when the mode stays."))


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request):
    if not has_perm_anywhere(request.user, "emergency.report"):
        raise Http404
    form = CaseReportForm(request.POST or None,
                          initial={"reported_on": timezone.localdate()})
    confirm = None
    if request.method == "POST" and form.is_valid() and not request.POST.get("confirmed"):
        try:  # first say how many schools it reaches; record it once confirmed
            region, schools = reports.report_reach(form.cleaned_data["region"])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            confirm = {"region": region.full_name, "schools": schools}
    elif request.method == "POST" and form.is_valid():
        try:
            report = reports.case_report_enter(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The report is recorded; the triggers are firing."))
            return redirect("emergency:report_detail", pk=report.pk)
    recent = Paginator(CaseReport.objects.filter(drill=False).select_related(
        "region", "entered_by", "alert"), PAGE).get_page(request.GET.get("page"))
    return render(request, "emergency/triggers/reports.html", {
        "form": form, "page": recent, "import_form": ImportForm(), "confirm": confirm,
        "pack_without_triggers": _pack_without_triggers(request.user)},
        status=200 if request.method == "GET" or confirm else 400)


def _pack_without_triggers(user) -> str:
    """The title of the province's pack when it has no trigger at all (routine: reports
    reach no school), for a warning on the report page; "" otherwise."""
    from apps.emergency.triggers import TRIGGER_PARAM
    from apps.policy.selectors import PackOutdated, active_pack
    from apps.policy.views import user_province

    province = user_province(user)
    try:
        pack = active_pack(province) if province else None
    except PackOutdated:
        return ""
    if pack is None or any(pack.values().get(p) for p in TRIGGER_PARAM.values()):
        return ""
    return pack.id


@login_required
@require_POST
def report_import(request):
    from apps.emergency.reports_import import MAX_BYTES, case_reports_import

    if not has_perm_anywhere(request.user, "emergency.report"):
        raise Http404
    form = ImportForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        result = case_reports_import(actor=request.user, data=upload.read(MAX_BYTES + 1),
                                     apply_valid_only=form.cleaned_data["valid_only"])
        if result.recorded:
            messages.success(request, _("%(n)d reports recorded; their triggers are firing.")
                             % {"n": result.recorded})
            if not result.errors:
                return redirect("emergency:reports")
    recent = Paginator(CaseReport.objects.filter(drill=False).select_related(
        "region", "entered_by", "alert"), PAGE).get_page(1)
    return render(request, "emergency/triggers/reports.html", {
        "form": CaseReportForm(initial={"reported_on": timezone.localdate()}), "page": recent,
        "import_form": form, "result": result}, status=400)


def _report(request, pk: int) -> CaseReport:
    """The report, when the user may record reports in its region; 404 otherwise, as for a
    missing id."""
    report = CaseReport.objects.select_related("region", "alert").filter(pk=pk).first()
    if report is None or not may_in_region(request.user, reports.REPORT, report.region_id,
                                           **reports.IN_AREA):
        raise Http404
    return report


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk: int):
    report = _report(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == "withdraw":
                reports.case_report_withdraw(actor=request.user, report_id=pk,
                                             reason=form.cleaned_data["reason"])
            else:
                reports.case_report_correct(actor=request.user, report_id=pk,
                                            reason=form.cleaned_data["reason"],
                                            cases=form.cleaned_data.get("cases"))
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("emergency:report_detail", pk=pk)
    reach = (selectors.alert_summary(user=request.user, alert_id=report.alert_id,
                                     now=timezone.now()) if report.alert_id else None)
    progress = (selectors.report_progress(user=request.user, report=report)
                if reach is None and report.status == "active" else None)
    return render(request, "emergency/triggers/report.html", {
        "report": report, "events": report.events.select_related("by"), "form": form,
        "reach": reach, "progress": progress,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def report_progress(request, pk: int):
    """The fan-out's bar (apps.core.progress), polled by the report's page."""
    report = _report(request, pk)
    return progress_response(request, selectors.report_progress(user=request.user,
                                                                report=report),
                             url=request.path, element_id="report-progress")


@login_required
@require_GET
def trigger_list(request):
    """A school sees its triggers; a bureau sees the alerts reaching its schools."""
    triggers = selectors.trigger_list(user=request.user)
    now = timezone.now()
    alert_ids = list(triggers.order_by().values_list("alert_id", flat=True).distinct()[:200])
    alerts = Alert.objects.filter(pk__in=alert_ids).select_related("region").order_by(
        "-opened_at")
    page = Paginator(triggers, PAGE).get_page(request.GET.get("page"))
    rows = [(t, selectors.trigger_state(t, now)) for t in page]
    many_schools = triggers.values("school_id").distinct().count() > 1
    return render(request, "emergency/triggers/list.html", {
        "page": page, "rows": rows, "alerts": alerts, "now": now,
        "may_report": has_perm_anywhere(request.user, "emergency.report"),
        "many_schools": many_schools,
        "one_school": None if many_schools or not rows else rows[0][0].school_id,
    })


@login_required
@require_GET
def trigger_detail(request, pk: int):
    trigger = selectors.trigger_get(user=request.user, pk=pk)
    return render(request, "emergency/triggers/detail.html", _detail_context(request, trigger))


def _detail_context(request, trigger, form=None) -> dict:
    from apps.orgs.models import School

    now = timezone.now()
    may_respond = School.objects.restrict(request.user, response.RESPOND).filter(
        pk=trigger.school_id).exists()
    return {
        "trigger": trigger, "state": selectors.trigger_state(trigger, now), "now": now,
        "reports": trigger.alert.reports.select_related("region").order_by("entered_at"),
        "people": selectors.trace_list(user=request.user, trigger=trigger),
        "mode": selectors.school_mode(school_id=trigger.school_id),
        "hospital": trigger.school.hospital, "may_respond": may_respond,
        "form": form or DecideForm(initial={"mode": selectors.school_mode(
            school_id=trigger.school_id)}),
        "run": trigger.plan_runs.first(),
        "may_print_trace": School.objects.restrict(request.user, "emergency.trace_list").filter(
            pk=trigger.school_id).exists(),
    }


@login_required
@require_POST
def trigger_acknowledge(request, pk: int):
    response.trigger_acknowledge(actor=request.user, trigger_id=pk)
    messages.success(request, _("Acknowledged."))
    return redirect("emergency:trigger_detail", pk=pk)


@login_required
@require_POST
def trigger_decide(request, pk: int):
    trigger = selectors.trigger_get(user=request.user, pk=pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            response.trigger_decide_mode(actor=request.user, trigger_id=pk, **form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("emergency:trigger_detail", pk=pk)
    return render(request, "emergency/triggers/detail.html",
                  _detail_context(request, trigger, form), status=400)


@login_required
@require_GET
def alert_detail(request, pk: int):
    alert = Alert.objects.select_related("region").filter(pk=pk).first()
    now = timezone.now()
    triggers = selectors.alert_schools(user=request.user, alert_id=pk) if alert else None
    if alert is None or not triggers.exists():
        raise Http404
    page = Paginator(triggers, PAGE).get_page(request.GET.get("page"))
    histogram = selectors.response_histogram(user=request.user, alert_id=pk)
    chart = {"response": {"title": _("Schools"), "labels": [label for label, _n in histogram],
                          "values": [n for _label, n in histogram]}}
    return render(request, "emergency/triggers/alert.html", {
        "alert": alert, "page": page, "now": now,
        "rows": [(t, selectors.trigger_state(t, now)) for t in page],
        "summary": selectors.alert_summary(user=request.user, alert_id=pk, now=now),
        "reports": alert.reports.select_related("region").order_by("entered_at"),
        "chart_data": chart,
    })


@login_required
@require_POST
def trigger_start_plan(request, pk: int):
    """The school's plan becomes the trigger's checklist (once; again opens the same run)."""
    from apps.emergency.plans import plan_run_start

    trigger = selectors.trigger_get(user=request.user, pk=pk)
    try:
        run = plan_run_start(actor=request.user, school_id=trigger.school_id, trigger_id=pk,
                             drill=trigger.drill)
    except ValidationFailed as exc:
        for error in exc.errors:
            messages.error(request, error.message)
        return redirect("emergency:trigger_detail", pk=pk)
    return redirect("emergency:plan_run", run_id=run.pk)


# The trace-back list for the CDC, printed and exported ------------------------------------


def _trace_output(request, pk: int, output: str) -> tuple:
    from apps.access.audit import access_output
    from apps.emergency import tracelist

    trigger = tracelist.trigger_for_list(user=request.user, pk=pk)
    rows = tracelist.trace_rows(user=request.user, trigger=trigger)
    access_output(request=request, output=output, obj=trigger, fields=tracelist.FIELDS,
                  rows=len(rows), reason="trace-back list for the CDC")
    meta = [(_("School"), trigger.school.name), (_("Area"), trigger.alert.region.full_name),
            (_("Fired"), timezone.localtime(trigger.fired_at).strftime("%Y-%m-%d %H:%M")),
            (_("Traced since"), trigger.trace_since.isoformat() if trigger.trace_since else "—"),
            (_("People"), len(rows))]
    return trigger, rows, meta, tracelist.headers()


@login_required
@require_GET
def trigger_trace_print(request, pk: int):
    from django.urls import reverse

    from apps.core.pages import print_page

    trigger, rows, meta, headers = _trace_output(request, pk, "print")
    return print_page(request, "emergency/triggers/trace_print.html", {
        "trigger": trigger, "rows": rows, "headers": headers}, meta=meta,
        xlsx_url=reverse("emergency:trigger_trace_xlsx", args=[pk]),
        back_url=reverse("emergency:trigger_detail", args=[pk]))


@login_required
@require_GET
def trigger_trace_xlsx(request, pk: int):
    from apps.core.sheets import Sheet, meta_lines, xlsx_response

    trigger, rows, meta, headers = _trace_output(request, pk, "xlsx")
    return xlsx_response(filename=f"trace-back-{trigger.pk}", sheets=[Sheet(
        _("Trace-back list"), headers, rows, widths=(5, 10, 8, 14, 14, 24, 60, 22, 18, 10, 12),
        lead=meta_lines(meta))])
