"""Sick absence pages: register (a phone form for class teachers and guardians), the school's
list (open, cause overdue, returning today), one absence with its cause and return forms,
clusters with their draft report (printable), marking a report sent, switching a class
online. Views validate, call a service or selector, render."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.absence import selectors, services
from apps.absence.forms import AbsenceForm, CauseForm, CloseForm, ReportForm, ReturnForm
from apps.absence.models import Cluster, SickAbsence
from apps.absence.report import draft_text, report_rows
from apps.access.rules import has_perm_anywhere, has_perm_at
from apps.core.errors import ValidationFailed, form_add_errors
from apps.people.models import Person
from apps.people.selectors import search_filter

CHOOSER_LIMIT = 100
LIST_LIMIT = 300


def _reportable(user, q: str):
    persons = Person.objects.restrict(user, "absence.report").filter(active=True)
    if q:
        persons = persons.filter(search_filter(q))
    return persons.select_related("klass").order_by("school_id", "klass_id", "number", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    q = request.GET.get("q", "").strip()
    persons = list(_reportable(request.user, q)[:CHOOSER_LIMIT + 1])
    if not persons and not q:
        raise PermissionDenied
    form = AbsenceForm(request.POST or None, initial={
        "client_id": uuid.uuid4().hex, "first_day": timezone.localdate(),
        "person": request.GET.get("person")})
    form.fields["person"].choices = [
        (p.pk, f"{p.name} · {p.klass.name if p.klass else p.number}")
        for p in persons[:CHOOSER_LIMIT]]
    form.fields["first_day"].widget.attrs["max"] = timezone.localdate().isoformat()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            absence = services.absence_register(
                actor=request.user, person_id=data["person"], first_day=data["first_day"],
                symptoms=data["symptoms"], diseases=data["diseases"],
                notifiable=data["notifiable"], temperature=data["temperature"],
                last_day=data["last_day"], note=data["note"], client_id=data["client_id"])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s's sick absence is registered.")
                             % {"name": absence.person.name})
            return redirect("absence:register")
    return render(request, "absence/register.html", {
        "form": form, "q": q, "more": len(persons) > CHOOSER_LIMIT,
        "single": len(persons) == 1 and not q},
        status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def absence_list(request):
    show = request.GET.get("show", "open")
    if show not in selectors.ABSENCE_FILTERS:
        show = "open"
    rows = list(selectors.absence_list(user=request.user, show=show)[:LIST_LIMIT + 1])
    now = timezone.now()
    return render(request, "absence/list.html", {
        "absences": rows[:LIST_LIMIT], "more": len(rows) > LIST_LIMIT, "show": show,
        "now": now, "filters": [
            ("open", pgettext("absence", "Open")), ("cause_overdue", _("Cause overdue")),
            ("returning_today", _("Returning today")), ("all", _("All"))],
        "may_report": has_perm_anywhere(request.user, "absence.report")})


def _absence_page(request, absence: SickAbsence, cause_form=None, return_form=None,
                  status=200):
    may_follow = SickAbsence.objects.restrict(request.user, "absence.followup").filter(
        pk=absence.pk).exists()
    params = services.school_params(absence.school_id)
    return render(request, "absence/detail.html", {
        "absence": absence, "may_follow": may_follow, "now": timezone.now(),
        "earliest_return": services.earliest_return(absence, params),
        "cause_form": cause_form or CauseForm(initial={
            "outcome": absence.cause_outcome or None, "diagnosis": absence.cause_diagnosis,
            "hospital": absence.cause_hospital, "diseases": absence.diseases,
            "notifiable": absence.notifiable}),
        "return_form": return_form or ReturnForm(initial={"returned_on": timezone.localdate()}),
    }, status=status)


@login_required
@require_GET
def absence_detail(request, pk: int):
    return _absence_page(request, selectors.absence_get(user=request.user, pk=pk))


@login_required
@require_POST
def absence_cause(request, pk: int):
    absence = selectors.absence_get(user=request.user, pk=pk, perm="absence.followup")
    form = CauseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.absence_record_cause(
                actor=request.user, absence_id=absence.pk, outcome=data["outcome"],
                diagnosis=data["diagnosis"], hospital=data["hospital"],
                diseases=data["diseases"], notifiable=data["notifiable"])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The cause is recorded."))
            return redirect("absence:detail", pk=absence.pk)
    return _absence_page(request, absence, cause_form=form, status=400)


@login_required
@require_POST
def absence_return(request, pk: int):
    absence = selectors.absence_get(user=request.user, pk=pk, perm="absence.followup")
    form = ReturnForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.absence_record_return(
                actor=request.user, absence_id=absence.pk, returned_on=data["returned_on"],
                certificate_seen=data["certificate_seen"], note=data["note"])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The return to school is recorded."))
            return redirect("absence:detail", pk=absence.pk)
    return _absence_page(request, absence, return_form=form, status=400)


# ---- clusters ---------------------------------------------------------------------------------


@login_required
@require_GET
def cluster_list(request):
    show = request.GET.get("show", "")
    if show not in ("", "open", "late"):
        show = ""
    rows = list(selectors.cluster_list(user=request.user, show=show)[:LIST_LIMIT + 1])
    summary = selectors.cluster_summary_by_school(user=request.user)
    return render(request, "absence/clusters.html", {
        "clusters": rows[:LIST_LIMIT], "more": len(rows) > LIST_LIMIT, "show": show,
        "summary": summary if len(summary) > 1 or _sees_many_schools(request.user) else [],
        "chart_data": _summary_chart(summary),
        "now": timezone.now(), "filters": [("", _("All")), ("open", _("To report")),
                                           ("late", _("Late"))]})


def _sees_many_schools(user) -> bool:
    return has_perm_at(user, "absence.view", ("region",))


def _summary_chart(summary: list[dict]) -> dict:
    return {"labels": [r["school"] for r in summary],
            "series": [{"label": str(_("Late")), "values": [r["late"] for r in summary],
                        "color": "#dc3545"},
                       {"label": str(_("To report")), "values": [r["open_on_time"]
                                                                  for r in summary],
                        "color": "#ffc107"},
                       {"label": str(_("Reported on time")), "values": [r["on_time"]
                                                                         for r in summary],
                        "color": "#198754"}]}


def _cluster_page(request, cluster: Cluster, report_form=None, status=200):
    rows = report_rows(cluster)
    may_handle = Cluster.objects.restrict(request.user, "clusters.handle").filter(
        pk=cluster.pk).exists()
    return render(request, "absence/cluster.html", {
        "cluster": cluster, "rows": rows, "now": timezone.now(), "may_handle": may_handle,
        "may_switch": may_handle and has_perm_anywhere(request.user, "emergency.mode"),
        "report_form": report_form or ReportForm(initial={
            "report_text": cluster.report_text or draft_text(cluster, rows)}),
        "close_form": CloseForm()}, status=status)


@login_required
@require_GET
def cluster_detail(request, pk: int):
    return _cluster_page(request, selectors.cluster_get(user=request.user, pk=pk))


@login_required
@require_POST
def cluster_report(request, pk: int):
    cluster = selectors.cluster_get(user=request.user, pk=pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.cluster_mark_reported(actor=request.user, cluster_id=cluster.pk,
                                           report_text=form.cleaned_data["report_text"])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The report is recorded as sent."))
            return redirect("absence:cluster", pk=cluster.pk)
    return _cluster_page(request, cluster, report_form=form, status=400)


@login_required
@require_POST
def cluster_close(request, pk: int):
    cluster = selectors.cluster_get(user=request.user, pk=pk)
    try:
        services.cluster_close(actor=request.user, cluster_id=cluster.pk,
                               reason=request.POST.get("reason", ""))
    except ValidationFailed as exc:
        messages.error(request, " ".join(e.message for e in exc.errors))
    else:
        messages.success(request, _("The cluster is closed."))
    return redirect("absence:cluster", pk=cluster.pk)


@login_required
@require_POST
def cluster_suspend(request, pk: int):
    cluster = selectors.cluster_get(user=request.user, pk=pk)
    try:
        services.cluster_suspend_class(actor=request.user, cluster_id=cluster.pk)
    except ValidationFailed as exc:
        messages.error(request, " ".join(e.message for e in exc.errors))
    else:
        messages.success(request, _("The class is switched to online teaching."))
    return redirect("absence:cluster", pk=cluster.pk)
