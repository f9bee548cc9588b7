"""Declaration pages: choose whom to declare for, a person's declarations, the multi-leg trip
form (htmx adds a leg), the exposure form, withdrawing. Built for a phone: one column, date
pickers, big buttons."""

import uuid
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.access.audit import access_view
from apps.access.rules import may
from apps.core.errors import ValidationFailed, form_add_errors
from apps.people.models import Person, PersonKind, Residence
from apps.people.selectors import person_get, person_household, search_filter
from apps.travel import selectors, services
from apps.travel.forms import ExposureForm, WithdrawForm
from apps.travel.models import Transport
from apps.travel.services import LEG_FIELDS, MAX_LEGS

CHOOSER_LIMIT = 50


@login_required
@require_GET
def choose_person(request):
    """Whom the user may declare for: themselves and their children, or (a class teacher,
    a school office) the people of their scope, searched by name or number."""
    q = request.GET.get("q", "").strip()
    persons = Person.objects.restrict(request.user, "travel.declare").filter(active=True)
    if q:
        persons = persons.filter(search_filter(q))
    persons = persons.select_related("school", "klass").order_by("school_id", "klass_id",
                                                                 "number", "pk")
    shown = list(persons[: CHOOSER_LIMIT + 1])
    return render(request, "travel/choose.html", {
        "persons": shown[:CHOOSER_LIMIT], "more": len(shown) > CHOOSER_LIMIT, "q": q})


@login_required
@require_GET
def person_declarations(request, pk: int):
    person = person_get(user=request.user, pk=pk, perm="travel.view")
    access_view(request=request, action="view_travel", obj=person, fields="trips,exposures")
    return render(request, "travel/person.html", {
        "person": person,
        "trips": selectors.person_trips(user=request.user, person=person)[:200],
        "exposures": selectors.person_exposures(user=request.user, person=person)[:200],
        "may_declare": may(request.user, "travel.declare", Person, person.pk),
        "withdraw_form": WithdrawForm(),
    })


# Trips ----------------------------------------------------------------------------------


def _leg_rows(post) -> list[dict]:
    """The legs posted as legs-<n>-<field>, in the order of n."""
    indexes = sorted({int(key.split("-")[1]) for key in post
                      if key.startswith("legs-") and key.split("-")[1].isdigit()})
    return [{name: post.get(f"legs-{i}-{name}", "").strip() for name in LEG_FIELDS}
            for i in indexes[:MAX_LEGS]]


def _as_date(text: str):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return text  # the service names it a bad date


def _blank_leg(previous: dict | None = None) -> dict:
    # The next leg usually leaves from where the last one arrived.
    return {"from_region": (previous or {}).get("to_region", ""), "to_region": "", "depart": "",
            "arrive": "", "transport": Transport.TRAIN, "number": ""}


def _travellers(user, person: Person) -> list[tuple[str, str]]:
    choices = [("", _("%(name)s (the person)") % {"name": person.name})]
    if person.kind == PersonKind.STUDENT and person.residence == Residence.DAY:
        choices += [(str(m.pk), f"{m.name} ({m.relation})")
                    for m in person_household(user=user, person=person)]
    return choices


def _trip_page(request, person, legs, *, errors=None, traveller="", client_id=None, status=200):
    errors = errors or []
    rows = [{"index": i, "values": leg,
             "errors": {name: [e.message for e in errors if e.field == f"legs.{i}.{name}"]
                        for name in LEG_FIELDS}}
            for i, leg in enumerate(legs)]
    shown = {f"legs.{i}.{name}" for i in range(len(legs)) for name in LEG_FIELDS}
    return render(request, "travel/trip_form.html", {
        "person": person, "legs": rows, "travellers": _travellers(request.user, person),
        "traveller": traveller, "client_id": client_id or uuid.uuid4().hex,
        "other_errors": [e.message for e in errors if e.field not in shown],
        "transports": Transport.choices, "today": timezone.localdate(),
        "next_index": len(legs), "max_legs": MAX_LEGS,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def trip_declare(request, pk: int):
    person = person_get(user=request.user, pk=pk, perm="travel.declare")
    if request.method == "GET":
        return _trip_page(request, person, [_blank_leg()])
    legs = _leg_rows(request.POST)
    traveller = request.POST.get("traveller", "")
    client_id = request.POST.get("client_id", "")[:64]
    try:
        services.trip_declare(
            actor=request.user, person=person,
            legs=[{**leg, "depart": _as_date(leg["depart"]), "arrive": _as_date(leg["arrive"])}
                  for leg in legs],
            household_member=int(traveller) if traveller.isdigit() else None,
            client_id=client_id)
    except ValidationFailed as exc:
        return _trip_page(request, person, legs or [_blank_leg()], errors=exc.errors,
                          traveller=traveller, client_id=client_id, status=400)
    messages.success(request, _("The trip is declared."))
    return redirect("travel:person", pk=person.pk)


@login_required
@require_GET
def leg_row(request, pk: int):
    """One more empty leg for the trip form (htmx)."""
    person = person_get(user=request.user, pk=pk, perm="travel.declare")
    index = request.GET.get("index", "")
    if not index.isdigit() or int(index) >= MAX_LEGS:
        raise Http404
    previous = {"to_region": request.GET.get("from", "")}
    return render(request, "travel/_leg.html", {
        "person": person, "transports": Transport.choices, "today": timezone.localdate(),
        "leg": {"index": int(index), "values": _blank_leg(previous), "errors": {}}})


@login_required
@require_POST
def trip_withdraw(request, pk: int, leg_pk: int):
    person = person_get(user=request.user, pk=pk, perm="travel.declare")
    leg = selectors.trip_leg_get(user=request.user, person=person, pk=leg_pk,
                                 perm="travel.declare")
    _withdraw(request, services.trip_leg_withdraw, leg=leg)
    return redirect("travel:person", pk=person.pk)


# Exposures ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def exposure_declare(request, pk: int):
    person = person_get(user=request.user, pk=pk, perm="travel.declare")
    form = ExposureForm(request.POST or None, initial={"client_id": uuid.uuid4().hex})
    form.fields["on"].widget.attrs["max"] = timezone.localdate().isoformat()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.exposure_declare(actor=request.user, person=person, kind=data["kind"],
                                      on=data["on"], region_code=data["region"] or None,
                                      detail=data["detail"], client_id=data["client_id"])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The contact is declared."))
            return redirect("travel:person", pk=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "travel/exposure_form.html", {"person": person, "form": form},
                  status=status)


@login_required
@require_POST
def exposure_withdraw(request, pk: int, exposure_pk: int):
    person = person_get(user=request.user, pk=pk, perm="travel.declare")
    exposure = selectors.exposure_get(user=request.user, person=person, pk=exposure_pk,
                                      perm="travel.declare")
    _withdraw(request, services.exposure_withdraw, exposure=exposure)
    return redirect("travel:person", pk=person.pk)


def _withdraw(request, service, **target) -> None:
    try:
        service(actor=request.user, reason=request.POST.get("reason", ""), **target)
    except ValidationFailed as exc:
        messages.error(request, " ".join(e.message for e in exc.errors))
    else:
        messages.success(request, _("The declaration is withdrawn."))
