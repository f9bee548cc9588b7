"""Mode pages: a school's mode, its grades and classes online, the switch form and the history;
for a bureau, its schools not in normal mode."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.pages import form_page
from apps.core.routers import reads_from_replica
from apps.emergency import residents, selectors, services
from apps.emergency.forms.modes import CampusResidentForm, ModeSwitchForm
from apps.emergency.models import Mode, ModeScope, ModeState
from apps.orgs.models import School, SchoolClass, Unit

VIEW = "emergency.view"


@login_required
@require_GET
@reads_from_replica
def mode_overview(request):
    """A school user goes straight to their school; a bureau sees its schools by mode."""
    schools = School.objects.restrict(request.user, VIEW)
    if not schools.exists():
        raise Http404
    picked = request.GET.get("school", "")
    if picked.isdigit():
        return redirect("emergency:school_modes", school_id=int(picked))
    if schools[:2].count() == 1:
        return redirect("emergency:school_modes", school_id=schools.get().pk)
    states = (ModeState.objects.restrict(request.user, VIEW).filter(scope=ModeScope.SCHOOL)
              .select_related("school", "set_by").order_by("-since"))
    counts = dict(states.values_list("mode").annotate(n=Count("id")).order_by())
    return render(request, "emergency/overview.html", {
        "states": states[:200],
        "counts": [(Mode(m).label, counts.get(m, 0)) for m in Mode.values if m != Mode.NORMAL],
        "schools": schools.order_by("county_code", "name")[:500],
    })


def _labels(school_id: int) -> dict[tuple[str, str], str]:
    units = dict(Unit.objects.filter(school_id=school_id).values_list("pk", "name"))
    classes = dict(SchoolClass.objects.filter(school_id=school_id).values_list("pk", "name"))
    labels = {(ModeScope.UNIT.value, str(k)): v for k, v in units.items()}
    labels.update({(ModeScope.KLASS.value, str(k)): v for k, v in classes.items()})
    return labels


@login_required
@require_http_methods(["GET", "POST"])
def school_modes(request, school_id: int):
    school = School.objects.restrict(request.user, VIEW).filter(pk=school_id).first()
    if school is None:
        raise Http404
    may_switch = School.objects.restrict(request.user, "emergency.mode").filter(
        pk=school_id).exists()
    form = ModeSwitchForm(
        request.POST or None,
        units=Unit.objects.open().filter(school_id=school_id).order_by("name"),
        classes=SchoolClass.objects.open().filter(school_id=school_id).order_by("name"))
    status = 200
    if request.method == "POST":
        if not may_switch:
            raise Http404
        if form.is_valid():
            try:
                switch = services.mode_switch(
                    actor=request.user, school_id=school_id, mode=form.cleaned_data["mode"],
                    reason=form.cleaned_data["reason"], scope=form.cleaned_data["scope"],
                    scope_key=form.scope_key())
            except ValidationFailed as exc:
                form_add_errors(form, exc, {"scope_key": "target"})
            else:
                if switch is None:
                    messages.info(request, _("That mode is already in force."))
                else:
                    messages.success(request, _("The mode is switched."))
                return redirect("emergency:school_modes", school_id=school_id)
        status = 400
    labels = _labels(school_id)
    states = [(s, labels.get((s.scope, s.scope_key), "")) for s in
              selectors.mode_states(user=request.user, school_id=school_id)
              .select_related("set_by").order_by("scope", "scope_key")]
    history = [(h, labels.get((h.scope, h.scope_key), "")) for h in
               selectors.mode_history(user=request.user, school_id=school_id)[:50]]
    return render(request, "emergency/school.html", {
        "school": school, "mode": selectors.school_mode(school_id=school_id),
        "states": states, "history": history, "form": form, "may_switch": may_switch,
    }, status=status)


# ---- staff living on campus in closed loop -------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def campus_residents(request, school_id: int):
    """The school's staff recorded as living on campus, and the form to record one (the
    school's admin: emergency.mode); those who see the school's mode read the list."""
    school = School.objects.restrict(request.user, VIEW).filter(pk=school_id).first()
    if school is None:
        raise Http404
    may_edit = School.objects.restrict(request.user, residents.MANAGE).filter(
        pk=school_id).exists()
    form = CampusResidentForm(request.POST or None, initial={"since": timezone.localdate()})
    return form_page(
        request, form=form, may_post=may_edit, done=_("Recorded as living on campus."),
        page=lambda f: _residents_page(request, school, f, may_edit),
        success_url=reverse("emergency:campus_residents", args=[school_id]),
        call=lambda d: residents.campus_resident_record(actor=request.user,
                                                        school_id=school_id, **d))


def _residents_page(request, school, form, may_edit: bool):
    rows = residents.school_residents(user=request.user, school_id=school.pk) if may_edit \
        else []
    today = timezone.localdate()
    return render(request, "emergency/residents.html", {
        "school": school, "rows": [(r, r.in_force(today)) for r in rows], "form": form,
        "may_edit": may_edit, "mode": selectors.school_mode(school_id=school.pk)})


@login_required
@require_POST
def campus_resident_end(request, pk: int):
    resident = residents.campus_resident_end(actor=request.user, resident_id=pk)
    messages.success(request, _("The record is ended."))
    return redirect("emergency:campus_residents", school_id=resident.school_id)
