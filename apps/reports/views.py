"""Daily report pages: a school's report of a day (figures, submit, zero report, correction,
versions), a bureau's page (its schools submitted / late / missing with a reminder each, the
late and missing days of the last 30, its child bureaus' reports, its own report aggregated
and submitted upward). Views validate, call a service or selector, render."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.access.rules import may
from apps.core.errors import ValidationFailed
from apps.orgs.models import School
from apps.reports import selectors, services
from apps.reports.figures import LABELS, to_report


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
