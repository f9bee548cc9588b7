"""Disinfection pages: the user's schools (one school goes straight to its page); one school's
areas, each with its last disinfection and ventilation, when each is next due (overdue ones
first and marked), who is on duty; the forms to record an entry, add an area or a classroom
for every class, and name who is on duty; the day's entries. The printable daily log of a
school (parcels and entries) and its workbook, both logged.

The school and area are read through the scope layer: out of scope is a 404 like nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.pages import form_submit
from apps.disinfection import dailylog, forms, selectors, services
from apps.disinfection.selectors import RECORD, VIEW
from apps.orgs.models import School
from apps.parcels.forms import DayForm
from apps.parcels.views import act, school_choice

RENAME = {"school_id": None, "client_id": None, "area_id": "area", "person_id": "person",
          "on_duty_id": "on_duty", "klass_id": None}


@login_required
@require_GET
def disinfection_list(request):
    return school_choice(request, perm=VIEW, detail="disinfection:school",
                         title=_("Disinfection and ventilation"))


def _day(request):
    form = DayForm(request.GET or None)
    day = form.cleaned_data.get("day") if form.is_valid() else None
    return day or timezone.localdate()


def _context(request, school, entry=None, area=None) -> dict:
    now = timezone.now()
    day = _day(request)
    may_record = School.objects.restrict(request.user, RECORD).filter(pk=school.pk).exists()
    rows = list(selectors.areas(user=request.user, school_id=school.pk))
    late = {(o.area.pk, o.kind) for o in selectors.overdue_of(rows, now)}
    rows.sort(key=lambda a: (not any((a.pk, k) in late for k in ("disinfection", "ventilation")),
                             a.kind, a.name))
    candidates = list(selectors.duty_candidates(school_id=school.pk)) if may_record else []
    staff = list(selectors.staff_of(school_id=school.pk)) if may_record else []
    return {
        "school": school, "rows": rows, "late": late, "now": now, "day": day,
        "may_record": may_record, "candidates": candidates,
        "entries": list(selectors.entries(user=request.user, school_id=school.pk, day=day)),
        "entry_form": entry or (forms.EntryForm(areas=rows, staff=staff) if may_record
                                else None),
        "area_form": area or (forms.AreaForm(candidates=candidates) if may_record else None),
    }


@login_required
@require_GET
def disinfection_school(request, pk: int):
    school = selectors.school_get(user=request.user, school_id=pk)
    return render(request, "disinfection/school.html", _context(request, school))


def _page(request, school, **given):
    return lambda f: render(request, "disinfection/school.html",
                            _context(request, school, **{given["as"]: f}))


@login_required
@require_POST
def entry_record(request, pk: int):
    school = selectors.school_get(user=request.user, school_id=pk, perm=RECORD)
    form = forms.EntryForm(request.POST,
                           areas=selectors.areas(user=request.user, school_id=school.pk),
                           staff=selectors.staff_of(school_id=school.pk))

    def call(data):
        services.entry_record(actor=request.user, area_id=data["area"], kind=data["kind"],
                              person_id=data["person"], done_at=data["done_at"],
                              note=data["note"], client_id=data["client_id"])

    return form_submit(request, form=form, call=call, done=_("The entry was recorded."),
                       success_url=reverse("disinfection:school", args=[school.pk]),
                       rename=RENAME, page=_page(request, school, **{"as": "entry"}))


@login_required
@require_POST
def area_create(request, pk: int):
    school = selectors.school_get(user=request.user, school_id=pk, perm=RECORD)
    form = forms.AreaForm(request.POST,
                          candidates=selectors.duty_candidates(school_id=school.pk))

    def call(data):
        services.area_create(actor=request.user, school_id=school.pk, kind=data["kind"],
                             name=data["name"], on_duty_id=data["on_duty"])

    return form_submit(request, form=form, call=call, done=_("The area was added."),
                       success_url=reverse("disinfection:school", args=[school.pk]),
                       rename=RENAME, page=_page(request, school, **{"as": "area"}))


@login_required
@require_POST
def areas_seed(request, pk: int):
    school = selectors.school_get(user=request.user, school_id=pk, perm=RECORD)
    added = services.areas_seed(actor=request.user, school_id=school.pk)
    messages.success(request, _("%(n)d areas were added.") % {"n": added})
    return redirect("disinfection:school", pk=school.pk)


@login_required
@require_POST
def area_duty(request, pk: int):
    area = selectors.area_get(user=request.user, pk=pk, perm=RECORD)
    form = forms.DutyForm(request.POST,
                          candidates=selectors.duty_candidates(school_id=area.school_id))
    if not form.is_valid():
        messages.error(request, _("Choose who is on duty."))
        return redirect("disinfection:school", pk=area.school_id)
    return act(request, lambda: services.area_update(
        actor=request.user, area_id=area.pk, on_duty_id=form.cleaned_data["on_duty"]),
        done=_("Who is on duty was saved."), back="disinfection:school", school_id=area.school_id)


@login_required
@require_GET
def log_print(request, pk: int):
    from apps.core.pages import print_page

    school, day, log = dailylog.output(request, pk, _day(request), "print")
    return print_page(request, "disinfection/log_print.html", {"log": log, "school": school},
                      meta=log.meta,
                      xlsx_url=reverse("disinfection:log_xlsx", args=[pk]) + f"?day={day}",
                      back_url=reverse("disinfection:school", args=[pk]))


@login_required
@require_GET
def log_xlsx(request, pk: int):
    from apps.core.sheets import xlsx_response

    school, day, log = dailylog.output(request, pk, _day(request), "xlsx")
    return xlsx_response(filename=f"daily-log-{school.pk}-{day}", sheets=log.sheets())
