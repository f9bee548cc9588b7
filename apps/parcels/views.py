"""Delivery point pages: the user's schools (one school goes straight to its page), and one
school's day at the delivery point: the batches received with their disinfection (by whom,
when) and placing for pickup, the form to record a batch (photos optional) and, per batch
waiting, the forms to record its disinfection and its placing.

The school and batch are read through the scope layer: out of scope is a 404 like nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.access.rules import has_org_perm
from apps.core.errors import ValidationFailed
from apps.core.pages import errors_as_messages, form_submit
from apps.orgs.models import School
from apps.parcels import forms, photos, selectors, services
from apps.parcels.selectors import RECORD, VIEW

RENAME = {"school_id": None, "client_id": None, "batch_id": None}
SHOWN = 100


def school_choice(request, *, perm: str, detail: str, title):
    """The user's schools with links to their logs (one school: straight to `detail`); the
    list page of the delivery point and of disinfection alike."""
    if not has_org_perm(request.user, perm):
        raise Http404
    schools = list(School.objects.restrict(request.user, perm).filter(active=True)
                   .order_by("name")[:SHOWN + 1])
    if len(schools) == 1:
        return redirect(detail, pk=schools[0].pk)
    return render(request, "parcels/list.html",
                  {"schools": schools[:SHOWN], "more": len(schools) > SHOWN, "title": title})


def act(request, call, *, done: str, back: str, school_id: int):
    """A button on a school's page: `call()`, its refusals as messages, back to the page."""
    try:
        call()
    except ValidationFailed as exc:
        errors_as_messages(request, exc)
    else:
        messages.success(request, done)
    return redirect(back, pk=school_id)


@login_required
@require_GET
def parcels_list(request):
    return school_choice(request, perm=VIEW, detail="parcels:school", title=_("Deliveries"))


def _day(request):
    form = forms.DayForm(request.GET or None)
    day = form.cleaned_data.get("day") if form.is_valid() else None
    return form, day or timezone.localdate()


def _context(request, school, receive=None) -> dict:
    day_form, day = _day(request)
    may_record = School.objects.restrict(request.user, RECORD).filter(pk=school.pk).exists()
    staff = list(selectors.staff_of(school_id=school.pk)) if may_record else []
    rows = list(selectors.batches(user=request.user, school_id=school.pk, day=day)
                .prefetch_related("photos"))
    return {
        "school": school, "day": day, "day_form": day_form, "rows": rows,
        "may_record": may_record,
        "receive_form": receive or (forms.ReceiveForm() if may_record else None),
        "disinfect_form": forms.DisinfectForm(staff=staff) if may_record else None,
        "total": sum(b.count for b in rows),
    }


@login_required
@require_GET
def parcels_school(request, pk: int):
    school = selectors.school_get(user=request.user, school_id=pk)
    return render(request, "parcels/school.html", _context(request, school))


@login_required
@require_POST
def parcels_receive(request, pk: int):
    school = selectors.school_get(user=request.user, school_id=pk, perm=RECORD)
    form = forms.ReceiveForm(request.POST)

    def call(data):
        services.batch_receive(actor=request.user, school_id=school.pk, count=data["count"],
                               received_at=data["received_at"], courier=data["courier"],
                               note=data["note"], client_id=data["client_id"],
                               photos=request.FILES.getlist("photos"))

    return form_submit(request, form=form, call=call, done=_("The batch was recorded."),
                       success_url=reverse("parcels:school", args=[school.pk]), rename=RENAME,
                       page=lambda f: render(request, "parcels/school.html",
                                             _context(request, school, receive=f)))


@login_required
@require_POST
def batch_disinfect(request, pk: int):
    batch = selectors.batch_get(user=request.user, pk=pk, perm=RECORD)
    form = forms.DisinfectForm(request.POST,
                               staff=selectors.staff_of(school_id=batch.school_id))
    if not form.is_valid():
        messages.error(request, _("Choose who disinfected the batch."))
        return redirect("parcels:school", pk=batch.school_id)
    return act(request, lambda: services.batch_disinfect(
        actor=request.user, batch_id=batch.pk, person_id=form.cleaned_data["person"],
        at=form.cleaned_data["at"]), done=_("The disinfection was recorded."),
        back="parcels:school", school_id=batch.school_id)


@login_required
@require_POST
def batch_place(request, pk: int):
    batch = selectors.batch_get(user=request.user, pk=pk, perm=RECORD)
    return act(request, lambda: services.batch_place(actor=request.user, batch_id=batch.pk),
               done=_("The batch was placed for pickup."), back="parcels:school",
               school_id=batch.school_id)


@login_required
@require_GET
def photo(request, pk: int):
    return photos.response(selectors.photo_get(user=request.user, pk=pk))
