"""Results pages: import a lab's file (check, then import all or the good rows), coverage of
a round per class and day, turnaround, positive pools and their rechecks, who is overdue on
a test regimen, a summary by school for bureaus, and the pool-size advice."""

import base64
import binascii
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from apps.access.audit import access_views
from apps.access.grants import has_perm_anywhere
from apps.core.errors import ValidationFailed
from apps.core.forms import BootstrapForm
from apps.core.pagination import CappedPaginator
from apps.orgs.models import School
from apps.rosters.reading import RosterError
from apps.testing.advice import POOL_SIZES, advise, curve
from apps.testing.selectors import results as selectors
from apps.testing.services.results import PERM, lab_rows_from_file, results_import

PERIODS = (7, 30, 90)  # days the turnaround, positives and school pages look back
ERRORS_SHOWN = 200


def _viewer(request) -> None:
    if not has_perm_anywhere(request.user, selectors.VIEW):
        raise Http404


def _days(request) -> int:
    try:
        days = int(request.GET.get("days", PERIODS[0]))
    except ValueError:
        days = PERIODS[0]
    return days if days in PERIODS else PERIODS[0]


def _tabs(request, active: str) -> dict:
    user = request.user
    return {
        "active_tab": active,
        "can_import": School.objects.restrict(user, PERM).exists(),
        "many_schools": selectors.schools_in_scope(user=user)[:2].count() > 1,
        "can_see_status": has_perm_anywhere(user, "status.view"),
        "periods": PERIODS,
    }


# ---- import ------------------------------------------------------------------------------


class ResultsImportForm(BootstrapForm):
    school = forms.TypedChoiceField(label=gettext_lazy("School"), coerce=int)
    file = forms.FileField(
        label=gettext_lazy("Lab results file"), required=False,
        help_text=gettext_lazy(".xlsx, .xls or CSV (UTF-8 or GBK): one row per tube, with the "
                               "columns 管码 (tube barcode) and 结果 (result), and 检测时间 "
                               "(time tested) if the lab gives it."))
    valid_only = forms.BooleanField(
        label=gettext_lazy("Import the good rows even if some rows are bad"), required=False)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [(s.pk, s.name) for s in schools]
        self.fields["valid_only"].widget.attrs["class"] = "form-check-input"


def _uploaded(request, form) -> tuple[str, bytes] | None:
    """The file just uploaded, or the one checked before (carried in the check's page)."""
    upload = form.cleaned_data.get("file")
    if upload is not None:
        return upload.name, upload.read(settings.ROSTER_MAX_BYTES + 1)
    try:
        data = base64.b64decode(request.POST.get("content", ""), validate=True)
    except (binascii.Error, ValueError):
        return None
    return (request.POST.get("file_name", ""), data) if data else None


@login_required
@require_http_methods(["GET", "POST"])
def results_import_page(request):
    schools = list(School.objects.restrict(request.user, PERM).order_by("name"))
    if not schools:
        raise Http404
    form = ResultsImportForm(request.POST or None, request.FILES or None, schools=schools)
    context = {**_tabs(request, "import"), "form": form, "outcome": None}
    if request.method != "POST" or not form.is_valid():
        return render(request, "testing/results/import.html", context)
    uploaded = _uploaded(request, form)
    if uploaded is None:
        form.add_error("file", _("Choose a file."))
        return render(request, "testing/results/import.html", context)
    name, data = uploaded
    school = next(s for s in schools if s.pk == form.cleaned_data["school"])
    apply = request.POST.get("action") == "apply"
    try:
        outcome = results_import(actor=request.user, school=school,
                                 rows=lab_rows_from_file(name, data),
                                 valid_only=form.cleaned_data["valid_only"], dry_run=not apply)
    except RosterError as exc:
        form.add_error("file", exc.message)
        return render(request, "testing/results/import.html", context)
    except ValidationFailed as exc:  # the school's permission went away meanwhile
        form.add_error(None, exc.errors[0].message)
        return render(request, "testing/results/import.html", context)
    if outcome.applied:
        messages.success(request, _(
            "Imported %(resulted)d results (%(unchanged)d already there, %(rejected)d rows "
            "left out): %(positive)d positive pools, %(isolated)d people to isolate, "
            "%(rechecks)d rechecks opened, %(closed)d rechecks closed.") % {
            "resulted": outcome.resulted, "unchanged": outcome.unchanged,
            "rejected": outcome.rejected, "positive": outcome.positive_tubes,
            "isolated": outcome.isolated, "rechecks": outcome.rechecks_created,
            "closed": outcome.rechecks_closed})
        return redirect("testing:results_positives" if outcome.positive_tubes
                        else "testing:results_turnaround")
    context.update(outcome=outcome, errors=outcome.errors[:ERRORS_SHOWN], file_name=name,
                   content=base64.b64encode(data).decode(), school=school, tried=apply)
    return render(request, "testing/results/import.html", context)


# ---- pages -------------------------------------------------------------------------------


@login_required
@require_GET
def results_home(request):
    _viewer(request)
    if selectors.schools_in_scope(user=request.user)[:2].count() > 1:
        return redirect("testing:results_schools")
    return redirect("testing:results_coverage")


@login_required
@require_GET
def results_coverage(request):
    _viewer(request)
    rounds = selectors.rounds_in_scope(user=request.user)
    chosen = request.GET.get("round")
    round_ = rounds.filter(pk=chosen).first() if chosen and chosen.isdigit() else None
    if chosen and round_ is None:
        raise Http404
    round_ = round_ or rounds.first()
    context = {**_tabs(request, "coverage"), "rounds": rounds[:50], "round": round_}
    if round_ is not None:
        coverage = selectors.round_coverage(user=request.user, round_=round_)
        sampled = selectors.sampled_by_day(user=request.user, round_=round_)
        context.update(coverage=coverage, sampled_days=sampled, chart_data={
            "classes": {"labels": [r.key for r in coverage.classes],
                        "values": [r.percent for r in coverage.classes],
                        "title": str(gettext_lazy("Sampled of planned (%)"))},
            "days": {"labels": [d.isoformat() for d, _n in sampled],
                     "values": [n for _d, n in sampled],
                     "title": str(gettext_lazy("Persons sampled"))},
        })
    return render(request, "testing/results/coverage.html", context)


@login_required
@require_GET
def results_turnaround(request):
    _viewer(request)
    days = _days(request)
    found = selectors.turnaround(user=request.user,
                                 since=timezone.now() - timedelta(days=days))
    return render(request, "testing/results/turnaround.html", {
        **_tabs(request, "turnaround"), "days": days, "turnaround": found,
        "chart_data": {"turnaround": {
            "labels": [label for label, _n in found.buckets],
            "values": [n for _label, n in found.buckets],
            "title": str(gettext_lazy("Tubes"))}},
    })


@login_required
@require_GET
def results_positives(request):
    _viewer(request)
    days = _days(request)
    pools = selectors.positive_pools(user=request.user,
                                     since=timezone.now() - timedelta(days=days))
    access_views(request=request, action="view_tests", objs=[p.tube for p in pools],
                 fields="members,rechecks")
    return render(request, "testing/results/positives.html", {
        **_tabs(request, "positives"), "days": days, "pools": pools})


@login_required
@require_GET
def results_overdue(request):
    _viewer(request)
    rows = selectors.overdue_tests(user=request.user)
    return render(request, "testing/results/overdue.html", {
        **_tabs(request, "overdue"), "rows": rows, "cap": selectors.LIST_CAP,
        "not_completed": selectors.regimens_not_completed(user=request.user)})


@login_required
@require_GET
def results_schools(request):
    _viewer(request)
    days = _days(request)
    page = CappedPaginator(selectors.schools_in_scope(user=request.user), 25).get_page(
        request.GET.get("page"))
    rows = selectors.school_summaries(schools=list(page.object_list),
                                      since=timezone.localdate() - timedelta(days=days))
    return render(request, "testing/results/schools.html", {
        **_tabs(request, "schools"), "days": days, "page": page, "rows": rows})


# ---- pool-size advice --------------------------------------------------------------------


class AdviceForm(BootstrapForm):
    prevalence = forms.DecimalField(
        label=gettext_lazy("Estimated prevalence (%)"), min_value=0, max_value=100,
        decimal_places=3, initial=1,
        help_text=gettext_lazy("The share of people expected to be positive, e.g. 0.5 for "
                               "one in two hundred."))


@login_required
@require_GET
def advice_page(request):
    _viewer(request)
    form = AdviceForm(request.GET or {"prevalence": "1"})
    advice = advise(float(form.cleaned_data["prevalence"]) / 100) if form.is_valid() else None
    lines = curve(up_to=0.4, points=41)
    return render(request, "testing/results/advice.html", {
        **_tabs(request, "advice"), "form": form, "advice": advice,
        "options": [(o, round(o.saving * 100, 1)) for o in advice.options] if advice else [],
        "stops_paying_percent": round(advice.stops_paying_at * 100, 1) if advice else None,
        "chart_data": {"advice": {
            "labels": [round(p * 100, 1) for p, _e in lines[POOL_SIZES[0]]],
            "series": [{"label": str(_("Pools of %(k)d") % {"k": k}) if k > 1
                        else str(_("Single tubes")),
                        "values": [round(e, 3) for _p, e in lines[k]]} for k in POOL_SIZES],
            "marker": round(advice.prevalence * 100, 3) if advice else None,
        }},
    })
