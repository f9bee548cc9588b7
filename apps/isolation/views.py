"""Isolation pages: the list (each school's rooms with their occupancy, the isolations open
first, the ones with no care visit today marked), opening an isolation, the rooms, and one
isolation with its care log and the forms of whoever may act on it (extend, close, the
day's care visit, a referral and its follow-up, online study).

Rows are read through the scope layer, so an isolation out of scope is a 404 like one that
does not exist; opening one is a look at health data, recorded in the access log."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.access.audit import access_view
from apps.access.rules import has_org_perm
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.pages import form_submit
from apps.core.pagination import CappedPaginator
from apps.isolation import forms, selectors, services
from apps.isolation.models import Referral
from apps.isolation.selectors import CARE, MANAGE, VIEW

PAGE_SIZE = 50
RENAME = {"person_id": "person", "room_id": "room", "isolation_id": None, "school_id": "school",
          "referral_id": None}


@login_required
@require_http_methods(["GET"])
def isolation_list(request):
    """Open isolations first; the rooms of the user's schools with their occupancy."""
    if not has_org_perm(request.user, VIEW):
        raise Http404
    closed = request.GET.get("closed") == "on"
    rows = selectors.isolation_list(user=request.user, open_only=not closed)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    unvisited = set(selectors.not_visited(user=request.user).filter(
        pk__in=[i.pk for i in page]).values_list("pk", flat=True))
    return render(request, "isolation/list.html", {
        "page": page, "closed": closed, "unvisited": unvisited,
        "rooms": selectors.rooms(user=request.user),
        "may_manage": has_org_perm(request.user, MANAGE), "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def isolation_new(request):
    """Open an isolation (`?person=` from a person's page chooses them)."""
    if not has_org_perm(request.user, MANAGE):
        raise Http404
    chosen = request.POST.get("person") or request.GET.get("person", "")
    form = forms.IsolationOpenForm(
        request.POST or None, persons=selectors.persons_to_isolate(user=request.user,
                                                                   chosen=chosen),
        rooms=selectors.rooms(user=request.user, perm=MANAGE).filter(active=True),
        initial={"client_id": uuid.uuid4().hex, "start": timezone.localdate(),
                 "person": request.GET.get("person", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            isolation = services.isolation_open(
                actor=request.user, person_id=data["person"].pk, place_kind=data["place_kind"],
                start=data["start"], planned_end=data["planned_end"], reason=data["reason"],
                place=data["place"], room_id=data["room"].pk if data["room"] else None,
                client_id=data["client_id"])
        except ValidationFailed as exc:
            form_add_errors(form, exc, rename=RENAME)
        else:
            messages.success(request, _("The isolation is open."))
            return redirect("isolation:detail", pk=isolation.pk)
    return render(request, "isolation/new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def room_list(request):
    """The rooms of the schools the user keeps: add one, change a capacity."""
    if not has_org_perm(request.user, MANAGE):
        raise Http404
    form = forms.RoomForm(request.POST or None, schools=selectors.schools_managed(
        user=request.user))
    page = lambda f: render(request, "isolation/rooms.html", {  # noqa: E731
        "form": f, "rooms": selectors.rooms(user=request.user, perm=MANAGE)})
    if request.method == "GET":
        return page(form)
    return form_submit(
        request, form=form, rename=RENAME, done=_("The room was added."), page=page,
        success_url=reverse("isolation:rooms"),
        call=lambda d: services.room_save(actor=request.user, school_id=d["school"].pk,
                                          name=d["name"], capacity=d["capacity"],
                                          note=d["note"]))


@login_required
@require_POST
def room_edit(request, pk: int):
    room = selectors.room_get(user=request.user, pk=pk)
    form = forms.RoomEditForm(request.POST)
    return form_submit(
        request, form=form, rename=RENAME, done=_("The room was changed."),
        success_url=reverse("isolation:rooms"),
        page=lambda f: render(request, "isolation/rooms.html", {
            "form": forms.RoomForm(schools=selectors.schools_managed(user=request.user)),
            "rooms": selectors.rooms(user=request.user, perm=MANAGE), "edit_errors": f}),
        call=lambda d: services.room_save(actor=request.user, school_id=room.school_id,
                                          room_id=room.pk, name=room.name,
                                          capacity=d["capacity"], note=room.note,
                                          active=d["active"]))


def _context(request, isolation, **given) -> dict:
    user = request.user
    open_ = isolation.is_open
    manage = open_ and selectors.may(user, MANAGE, isolation)
    care = selectors.may(user, CARE, isolation)
    today = timezone.localdate()
    visits = list(selectors.visits(isolation))
    return {
        "isolation": isolation, "visits": visits, "today": today,
        "visited_today": any(v.day == today for v in visits),
        "referrals": selectors.referrals(isolation), "study": selectors.online_study(isolation),
        "may_manage": manage, "may_care": care and open_, "may_follow": care,
        "extend_form": given.get("extend") or forms.IsolationExtendForm(
            initial={"planned_end": isolation.planned_end}),
        "close_form": given.get("close") or forms.IsolationCloseForm(
            initial={"released_on": today}),
        "care_form": given.get("care") or forms.CareVisitForm(),
        "referral_form": given.get("refer") or forms.ReferralForm(),
        "follow_form": forms.ReferralUpdateForm(),
        "study_form": given.get("study") or forms.OnlineStudyForm(),
    }


@login_required
@require_http_methods(["GET"])
def isolation_detail(request, pk: int):
    isolation = selectors.isolation_get(user=request.user, pk=pk)
    access_view(request=request, action="view_health", obj=isolation.person,
                fields="isolation,care")
    return render(request, "isolation/detail.html", _context(request, isolation))


def _action(key: str, form_class, perm: str, service, done):
    """The page of a form posted on an isolation's page: `service(actor=, isolation_id=,
    **the form's data)`, by whoever holds `perm` on the isolation (else a 404)."""

    @login_required
    @require_POST
    def view(request, pk: int):
        isolation = selectors.isolation_get(user=request.user, pk=pk)
        if not selectors.may(request.user, perm, isolation):
            raise Http404
        return form_submit(
            request, form=form_class(request.POST), done=str(done), rename=RENAME,
            call=lambda d: service(actor=request.user, isolation_id=isolation.pk, **d),
            success_url=reverse("isolation:detail", args=[pk]),
            page=lambda f: render(request, "isolation/detail.html",
                                  _context(request, isolation, **{key: f})))

    view.__name__ = view.__qualname__ = f"isolation_{key}"
    return view


isolation_extend = _action("extend", forms.IsolationExtendForm, MANAGE,
                           services.isolation_extend, gettext_lazy("The isolation was extended."))
isolation_close = _action("close", forms.IsolationCloseForm, MANAGE, services.isolation_close,
                          gettext_lazy("The isolation is closed."))
isolation_care = _action("care", forms.CareVisitForm, CARE, services.care_visit_record,
                         gettext_lazy("Today's care visit was recorded."))
isolation_refer = _action("refer", forms.ReferralForm, CARE, services.referral_create,
                          gettext_lazy("The referral was recorded."))
isolation_study = _action("study", forms.OnlineStudyForm, CARE, services.online_study_arrange,
                          gettext_lazy("Online study was arranged."))


@login_required
@require_POST
def referral_follow(request, pk: int):
    referral = selectors.referral_get(user=request.user, pk=pk)
    if not Referral.objects.restrict(request.user, CARE).filter(pk=referral.pk).exists():
        raise Http404
    isolation = referral.isolation
    return form_submit(
        request, form=forms.ReferralUpdateForm(request.POST), rename=RENAME,
        done=_("The follow-up was recorded."),
        success_url=reverse("isolation:detail", args=[isolation.pk]),
        page=lambda f: render(request, "isolation/detail.html", _context(request, isolation)),
        call=lambda d: services.referral_update(actor=request.user, referral_id=referral.pk,
                                                **d))
