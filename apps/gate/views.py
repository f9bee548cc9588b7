"""Gate pages: the kiosk for a tablet at the gate, today's checks, stops by reason (chart),
the overrides report and the override form. Views validate, call and render."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.access.grants import has_perm_anywhere
from apps.core.errors import ValidationFailed, form_add_errors
from apps.gate import gates, selectors, services
from apps.gate.forms import GateEditForm, GateForm
from apps.gate.models import Gate, GateCheck, VerdictChoice
from apps.orgs.models import School
from apps.orgs.selectors import get_in_scope

PAGE_SIZE = 50
MAX_DAYS = 92


def _schools(user, perm: str):
    return School.objects.restrict(user, perm).order_by("name")


def _school_filter(request, perm: str) -> int | None:
    raw = request.GET.get("school") or ""
    if not raw:
        return None
    if not raw.isdigit() or not _schools(request.user, perm).filter(pk=int(raw)).exists():
        raise Http404("school")
    return int(raw)


def _day(request, name: str, default: date) -> date:
    return parse_date(request.GET.get(name) or "") or default


def _require(request, perm: str) -> None:
    if not has_perm_anywhere(request.user, perm):
        raise Http404("page")


@login_required
def kiosk(request):
    """Scan, temperature, verdict: big, coloured, with a beep; next scan at once."""
    schools = services.schools_for(request.user, "gate.verdict")
    if not schools:
        raise Http404("kiosk")
    school_list = list(School.objects.filter(pk__in=schools).order_by("name"))
    chosen = request.GET.get("school")
    school = next((s for s in school_list if str(s.pk) == chosen), school_list[0])
    return render(request, "gate/kiosk.html", {
        "schools": school_list, "school": school, "texts": _kiosk_texts(),
        "gates": selectors.gates_of(school_id=school.pk),
    })


def _kiosk_texts() -> dict:
    return {
        "pass": _("Pass"), "refer": _("Refer"), "stop": _("Stop"),
        "offline": _("Offline: decided from the last snapshot"), "online": _("Online"),
        "queued": _("waiting to upload"), "ready": _("Ready: scan the next code"),
        "error": _("Not recorded"), "temperature": _("Type the temperature and press Enter"),
        "not_found": _("Not a person of this school"),
        "checking": _("Checking…"),
        "bad_temperature": _("Not a temperature: type it again (e.g. 36.5)"),
        "snapshot": _("Snapshot: %(n)s people"),
    }


@login_required
def checks_today(request):
    _require(request, "gate.view")
    school_id = _school_filter(request, "gate.view")
    day = _day(request, "day", timezone.localdate())
    verdict = request.GET.get("verdict") or None
    if verdict not in (None, *VerdictChoice.values):
        verdict = None
    rows = selectors.checks_of_day(user=request.user, day=day, school_id=school_id,
                                   verdict=verdict)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "gate/checks.html", {
        "page": page, "day": day, "school_id": school_id, "verdict": verdict,
        "schools": _schools(request.user, "gate.view")[:200],
        "verdicts": VerdictChoice.choices,
        # Older checks can no longer be overridden (services.OVERRIDE_DAYS).
        "can_override": has_perm_anywhere(request.user, "gate.override")
        and services.overridable_days()[0] <= day,
    })


def _range(request) -> tuple[date, date]:
    today = timezone.localdate()
    day_to = _day(request, "to", today)
    day_from = _day(request, "from", day_to - timedelta(days=6))
    if day_from > day_to:
        day_from, day_to = day_to, day_from
    return max(day_from, day_to - timedelta(days=MAX_DAYS)), day_to


@login_required
def stops(request):
    _require(request, "gate.view")
    school_id = _school_filter(request, "gate.view")
    day_from, day_to = _range(request)
    rows = selectors.stops_by_reason(user=request.user, day_from=day_from, day_to=day_to,
                                     school_id=school_id)
    english = (request.LANGUAGE_CODE or "").startswith("en")
    for row in rows:
        row["label"] = row["en"] if english else row["zh"]
    chart = {"labels": [r["label"] for r in rows], "stop": [r["stop"] for r in rows],
             "refer": [r["refer"] for r in rows], "stop_label": _("Stop"),
             "refer_label": _("Refer")}
    return render(request, "gate/stops.html", {
        "rows": rows, "chart": chart, "day_from": day_from, "day_to": day_to,
        "school_id": school_id, "schools": _schools(request.user, "gate.view")[:200],
    })


@login_required
def overrides(request):
    _require(request, "gate.view")
    school_id = _school_filter(request, "gate.view")
    day_from, day_to = _range(request)
    rows = selectors.overrides(user=request.user, day_from=day_from, day_to=day_to,
                               school_id=school_id)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "gate/overrides.html", {
        "page": page, "day_from": day_from, "day_to": day_to, "school_id": school_id,
        "schools": _schools(request.user, "gate.view")[:200],
    })


@login_required
def override(request, check_id: int):
    check: GateCheck = selectors.check_for_override(user=request.user, check_id=check_id)
    error = None
    if request.method == "POST":
        try:
            services.gate_check_override(actor=request.user, check_id=check.pk,
                                         reason=request.POST.get("reason", ""))
        except ValidationFailed as failed:
            error = failed.errors[0].message
        else:
            messages.success(request, _("The stop was overridden and recorded."))
            return redirect("gate:checks")
    return render(request, "gate/override.html", {"check": check, "error": error,
                                                  "reason": request.POST.get("reason", "")})


# ---- set-up: a school's gates ------------------------------------------------------------


# Gates are set up by those who manage the school's roles (the school admin and above).
MANAGE_GATES = "access.manage_roles"


@login_required
@require_http_methods(["GET", "POST"])
def school_gates(request, pk: int):
    """The school's gates, and a form to add one (reached from the school's set-up page)."""
    school = get_in_scope(School, user=request.user, pk=pk, perm=MANAGE_GATES)
    form = GateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            gates.gate_add(actor=request.user, school_id=school.pk, **form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The gate is added."))
            return redirect("gate:school_gates", pk=school.pk)
    return render(request, "gate/gates.html", {
        "school": school, "form": form,
        "gates": selectors.school_gates(user=request.user, school_id=school.pk)},
        status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def gate_edit(request, pk: int):
    gate = get_in_scope(Gate, user=request.user, pk=pk, perm=MANAGE_GATES)
    form = GateEditForm(request.POST or None, initial={"name": gate.name, "active": gate.active})
    if request.method == "POST" and form.is_valid():
        try:
            gates.gate_update(actor=request.user, gate_id=gate.pk, **form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The gate is saved."))
            return redirect("gate:school_gates", pk=gate.school_id)
    return render(request, "gate/gate_edit.html", {"gate": gate, "form": form},
                  status=400 if request.method == "POST" else 200)
