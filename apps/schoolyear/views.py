"""The school-year rollover page: the dry run for the user's schools (or one), and the
button that applies it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.access.rules import has_org_perm
from apps.core.pagination import CappedPaginator
from apps.orgs.models import School
from apps.orgs.selectors import CHANGE, get_in_scope
from apps.schoolyear import services
from apps.schoolyear.forms import RolloverForm

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def rollover(request):
    """The dry run of the rollover for the user's schools (or one, `?school=`), and the
    button that applies it; applying twice changes nothing."""
    if not has_org_perm(request.user, CHANGE):
        raise Http404
    form = RolloverForm(request.POST or request.GET or None)
    if not form.is_valid():
        form = RolloverForm(initial=RolloverForm.defaults())
        values = RolloverForm.defaults()
    else:
        values = form.cleaned_data
    school = values.get("school")
    if school is not None:
        get_in_scope(School, user=request.user, pk=school, perm=CHANGE)
    if request.method == "POST" and form.is_valid():
        done = services.school_year_rollover(actor=request.user, school=school,
                                             to_year=values["to_year"])
        moved = [s for s in done.schools if s.done]
        messages.success(request, _("%(count)d schools are in school year %(year)s.") % {
            "count": len(moved), "year": _school_year_label(done.to_year)})
        return redirect(f"{reverse('schoolyear:rollover')}?to_year={done.to_year}"
                        + (f"&school={school}" if school else ""))
    plan = services.rollover_plan(actor=request.user, school=school,
                                  to_year=values["to_year"])
    page = CappedPaginator(plan.schools, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "schoolyear/rollover.html", {
        "form": form, "plan": plan, "page": page, "year_label": _school_year_label(plan.to_year),
        "todo": [s for s in plan.schools if not s.done and not s.problems],
        "totals": {name: plan.total(name) for name in (
            "units", "classes", "graduated_classes", "graduates", "intake_classes")},
    })


def _school_year_label(year: int) -> str:
    return f"{year}-{year + 1}"
