"""The set-up pages: bureaus (the province), the register of schools, closing and reopening
(bureaus), a school's units, classes and dorm rooms (its admin), designated hospitals with
their contacts and the readiness list of schools without one (bureaus).

Every page re-reads its row through the scope layer with the permission it needs before it
looks at the form, so a row out of scope is a 404 exactly like a row that does not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.access.rules import has_org_perm, may
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.pagination import CappedPaginator
from apps.core.routers import reads_from_replica
from apps.orgs import forms, selectors, services
from apps.orgs.models import Bureau, DormRoom, Hospital, HospitalContact, School, SchoolClass, Unit
from apps.orgs.selectors import BUREAUS, CHANGE, HOSPITALS, SCHOOLS, get_in_scope
from apps.orgs.services.fields import CLASS_UNIT_KINDS

PAGE_SIZE = 50
FORM_METHODS = ["GET", "POST"]


def _require(user, perm: str) -> None:
    if not has_org_perm(user, perm):
        raise Http404


def _form_page(request, form, save, *, title: str, cancel: str, status: int = 200):
    """GET shows the form; POST saves a valid one through `save(data)` (a service call that
    returns where to go next); the service's errors land on the fields they name."""
    if request.method == "POST" and form.is_valid():
        try:
            target = save(form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(target)
    if request.method == "POST":
        status = 400
    return render(request, "orgs/form.html", {"form": form, "title": title, "cancel": cancel},
                  status=status)


# Bureaus -----------------------------------------------------------------------------


@login_required
@require_GET
def bureau_list(request):
    _require(request.user, BUREAUS)
    return render(request, "orgs/bureaus.html",
                  {"bureaus": selectors.bureaus_managed(user=request.user)})


@login_required
@require_http_methods(FORM_METHODS)
def bureau_new(request):
    _require(request.user, BUREAUS)
    form = forms.BureauForm(request.POST or None,
                            parents=selectors.bureaus_managed(user=request.user))

    def save(data):
        services.bureau_create(actor=request.user, name=data["name"], level=data["level"],
                               region_code=data["region_code"], parent=data["parent"])
        return reverse("orgs:bureau_list")

    return _form_page(request, form, save, title=_("New bureau"),
                      cancel=reverse("orgs:bureau_list"))


@login_required
@require_http_methods(FORM_METHODS)
def bureau_edit(request, pk: int):
    bureau = get_in_scope(Bureau, user=request.user, pk=pk, perm=BUREAUS)
    form = forms.BureauNameForm(request.POST or None, initial={"name": bureau.name})

    def save(data):
        services.bureau_update(actor=request.user, bureau=bureau, name=data["name"])
        return reverse("orgs:bureau_list")

    return _form_page(request, form, save, title=_("Rename %(name)s") % {"name": bureau.name},
                      cancel=reverse("orgs:bureau_list"))


# Schools -----------------------------------------------------------------------------


@login_required
@require_GET
@reads_from_replica
def school_list(request):
    _require(request.user, CHANGE)
    closed = request.GET.get("state") == "closed"
    bureau = request.GET.get("bureau") or ""
    schools = selectors.schools_managed(user=request.user, q=request.GET.get("q", ""),
                                        bureau=int(bureau) if bureau.isdigit() else None,
                                        closed=closed)
    page = CappedPaginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/schools.html", {
        "page": page, "closed": closed, "q": request.GET.get("q", ""),
        "may_register": has_org_perm(request.user, SCHOOLS)})


def _school_values(data) -> dict:
    return {k: data[k] for k in ("name", "code", "kind", "boarding", "region_code", "address")}


@login_required
@require_http_methods(FORM_METHODS)
def school_new(request):
    _require(request.user, SCHOOLS)
    bureaus = selectors.bureaus_managed(user=request.user, perm=SCHOOLS)
    first = bureaus.first()
    initial = {"bureau": first, "region_code": first.region_id} if first else {}
    form = forms.SchoolForm(request.POST or None, bureaus=bureaus, initial=initial)

    def save(data):
        school = services.school_create(actor=request.user, bureau=data["bureau"],
                                        **_school_values(data))
        return reverse("orgs:school_detail", args=[school.pk])

    return _form_page(request, form, save, title=_("New school"),
                      cancel=reverse("orgs:school_list"))


@login_required
@require_http_methods(FORM_METHODS)
def school_edit(request, pk: int):
    school = get_in_scope(School, user=request.user, pk=pk, perm=SCHOOLS)
    initial = {k: getattr(school, k) for k in ("name", "code", "kind", "boarding", "address")}
    initial.update(bureau=school.bureau_id, region_code=school.region_id)
    form = forms.SchoolForm(request.POST or None, initial=initial, bureaus=(
        selectors.bureaus_managed(user=request.user, perm=SCHOOLS)))

    def save(data):
        services.school_update(actor=request.user, school=school, bureau=data["bureau"],
                               **_school_values(data))
        return reverse("orgs:school_detail", args=[school.pk])

    return _form_page(request, form, save, title=school.name,
                      cancel=reverse("orgs:school_detail", args=[school.pk]))


def _school_page(request, school, *, reason_form=None, pair_form=None, status=200):
    from apps.web.history import history_entries  # web imports orgs: read when shown

    registers = may(request.user, SCHOOLS, School, school.pk)
    hospitals = selectors.hospitals_listed(user=request.user)
    return render(request, "orgs/school.html", {
        "school": school, **selectors.school_structure(user=request.user, school=school),
        "may_register": registers, "history": history_entries(school),
        "reason_form": reason_form or forms.ReasonForm(),
        "pair_form": pair_form or forms.PairForm(hospitals=hospitals,
                                                 initial={"hospital": school.hospital_id}),
    }, status=status)


@login_required
@require_GET
def school_detail(request, pk: int):
    school = get_in_scope(School, user=request.user, pk=pk, perm=CHANGE)
    return _school_page(request, school)


def _open_or_close(request, pk: int, change, done: str):
    school = get_in_scope(School, user=request.user, pk=pk, perm=SCHOOLS)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            change(actor=request.user, school=school, reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("orgs:school_detail", pk=school.pk)
    return _school_page(request, school, reason_form=form, status=400)


@login_required
@require_POST
def school_close(request, pk: int):
    return _open_or_close(request, pk, services.school_close, _("The school is closed."))


@login_required
@require_POST
def school_reopen(request, pk: int):
    return _open_or_close(request, pk, services.school_reopen, _("The school is open again."))


@login_required
@require_POST
def school_hospital(request, pk: int):
    """Pair the school with a hospital: from the school's page, or a row of the readiness
    list, which htmx replaces with the answer."""
    school = get_in_scope(School, user=request.user, pk=pk, perm=SCHOOLS)
    hospitals = selectors.hospitals_listed(user=request.user)
    form = forms.PairForm(request.POST, hospitals=hospitals)
    if form.is_valid() and request.htmx and form.cleaned_data["hospital"] is None:
        form.add_error("hospital", _("Choose a hospital."))  # the list pairs, never unpairs
    if form.is_valid():
        try:
            school = services.school_set_hospital(actor=request.user, school=school,
                                                  hospital=form.cleaned_data["hospital"])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
    ok = not form.errors
    if request.htmx:
        return render(request, "orgs/_readiness_row.html", {
            "school": school, "errors": form.errors.get("hospital", []), "paired": ok,
            "hospitals": list(hospitals)}, status=200 if ok else 400)
    if ok:
        messages.success(request, _("The designated hospital is saved."))
        return redirect("orgs:school_detail", pk=school.pk)
    return _school_page(request, school, pair_form=form, status=400)


# A school's structure: units, classes, dorm rooms ------------------------------------------


def _to_school(school_id: int, part: str) -> str:
    return reverse("orgs:school_detail", args=[school_id]) + f"#{part}"


def _new_in_school(request, pk: int, *, part: str, title: str, make_form, create):
    """A new unit, class or dorm room: the school re-read in scope before the form."""
    school = get_in_scope(School, user=request.user, pk=pk)
    back = _to_school(school.pk, part)

    def save(data):
        create(actor=request.user, school=school, **data)
        return back

    return _form_page(request, make_form(school), save, cancel=back,
                      title=title % {"school": school.name})


def _edit_in_school(request, model, pk: int, *, part: str, make_form, update):
    """A unit, class or dorm room changed: the row re-read in scope before the form."""
    row = get_in_scope(model, user=request.user, pk=pk)
    back = _to_school(row.school_id, part)

    def save(data):
        update(row, data)
        return back

    return _form_page(request, make_form(row), save, title=str(row), cancel=back)


def _class_units(user, school_id: int):
    return (Unit.objects.restrict(user, CHANGE)
            .filter(school_id=school_id, kind__in=CLASS_UNIT_KINDS).order_by("name"))


@login_required
@require_http_methods(FORM_METHODS)
def school_unit_new(request, pk: int):
    return _new_in_school(request, pk, part="units", title=_("New unit of %(school)s"),
                          make_form=lambda school: forms.UnitForm(request.POST or None),
                          create=services.unit_create)


@login_required
@require_http_methods(FORM_METHODS)
def unit_edit(request, pk: int):
    return _edit_in_school(
        request, Unit, pk, part="units",
        make_form=lambda unit: forms.UnitForm(request.POST or None, initial={
            "name": unit.name, "kind": unit.kind}),
        update=lambda unit, data: services.unit_update(actor=request.user, unit=unit, **data))


@login_required
@require_http_methods(FORM_METHODS)
def school_class_new(request, pk: int):
    return _new_in_school(
        request, pk, part="classes", title=_("New class of %(school)s"),
        make_form=lambda school: forms.ClassForm(
            request.POST or None, units=_class_units(request.user, school.pk),
            initial={"school_year": services.current_school_year()}),
        create=services.class_create)


@login_required
@require_http_methods(FORM_METHODS)
def class_edit(request, pk: int):
    return _edit_in_school(
        request, SchoolClass, pk, part="classes",
        make_form=lambda klass: forms.ClassForm(
            request.POST or None, units=_class_units(request.user, klass.school_id), initial={
                "name": klass.name, "unit": klass.unit_id,
                "school_year": klass.school_year or services.current_school_year()}),
        update=lambda klass, data: services.class_update(actor=request.user, klass=klass,
                                                         **data))


@login_required
@require_http_methods(FORM_METHODS)
def school_room_new(request, pk: int):
    return _new_in_school(request, pk, part="rooms", title=_("New dorm room of %(school)s"),
                          make_form=lambda school: forms.RoomForm(request.POST or None),
                          create=services.dorm_room_create)


@login_required
@require_http_methods(FORM_METHODS)
def room_edit(request, pk: int):
    return _edit_in_school(
        request, DormRoom, pk, part="rooms",
        make_form=lambda room: forms.RoomForm(request.POST or None, initial={
            "building": room.building, "room": room.room, "beds": room.beds}),
        update=lambda room, data: services.dorm_room_update(actor=request.user, dorm_room=room,
                                                            **data))


# Designated hospitals and the readiness list ------------------------------------------------


@login_required
@require_GET
def hospital_list(request):
    _require(request.user, HOSPITALS)
    hospitals = selectors.hospitals_listed(user=request.user, perm=HOSPITALS)
    page = CappedPaginator(hospitals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/hospitals.html", {"page": page})


@login_required
@require_http_methods(FORM_METHODS)
def hospital_new(request):
    _require(request.user, HOSPITALS)
    form = forms.HospitalForm(request.POST or None)

    def save(data):
        hospital = services.hospital_create(actor=request.user, **data)
        return reverse("orgs:hospital_detail", args=[hospital.pk])

    return _form_page(request, form, save, title=_("New designated hospital"),
                      cancel=reverse("orgs:hospital_list"))


def _hospital_page(request, hospital, contact_form=None, status=200):
    from apps.web.history import history_entries  # web imports orgs: read when shown

    return render(request, "orgs/hospital.html", {
        "hospital": hospital,
        "contacts": selectors.hospital_contacts(user=request.user, hospital=hospital),
        "schools": selectors.hospital_schools(user=request.user, hospital=hospital),
        "contact_form": contact_form or forms.ContactForm(),
        "history": history_entries(hospital)}, status=status)


@login_required
@require_GET
def hospital_detail(request, pk: int):
    hospital = get_in_scope(Hospital, user=request.user, pk=pk, perm=HOSPITALS)
    return _hospital_page(request, hospital)


@login_required
@require_http_methods(FORM_METHODS)
def hospital_edit(request, pk: int):
    hospital = get_in_scope(Hospital, user=request.user, pk=pk, perm=HOSPITALS)
    form = forms.HospitalEditForm(request.POST or None, initial={
        k: getattr(hospital, k) for k in ("name", "address", "phone")})

    def save(data):
        services.hospital_update(actor=request.user, hospital=hospital, **data)
        return reverse("orgs:hospital_detail", args=[hospital.pk])

    return _form_page(request, form, save, title=hospital.name,
                      cancel=reverse("orgs:hospital_detail", args=[hospital.pk]))


@login_required
@require_POST
def hospital_contact_add(request, pk: int):
    hospital = get_in_scope(Hospital, user=request.user, pk=pk, perm=HOSPITALS)
    form = forms.ContactForm(request.POST)
    if form.is_valid():
        try:
            services.hospital_contact_add(actor=request.user, hospital=hospital,
                                          **form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The contact is added."))
            return redirect("orgs:hospital_detail", pk=hospital.pk)
    return _hospital_page(request, hospital, form, status=400)


@login_required
@require_http_methods(FORM_METHODS)
def contact_edit(request, pk: int):
    contact = get_in_scope(HospitalContact, user=request.user, pk=pk, perm=HOSPITALS)
    form = forms.ContactForm(request.POST or None, initial={
        k: getattr(contact, k) for k in ("name", "role", "phone")})
    back = reverse("orgs:hospital_detail", args=[contact.hospital_id])

    def save(data):
        services.hospital_contact_update(actor=request.user, contact=contact, **data)
        return back

    return _form_page(request, form, save, title=contact.name, cancel=back)


@login_required
@require_POST
def contact_remove(request, pk: int):
    contact = get_in_scope(HospitalContact, user=request.user, pk=pk, perm=HOSPITALS)
    services.hospital_contact_remove(actor=request.user, contact=contact)
    messages.success(request, _("The contact is removed."))
    return redirect("orgs:hospital_detail", pk=contact.hospital_id)


@login_required
@require_GET
@reads_from_replica
def readiness(request):
    """The bureau's readiness list: open schools with no designated hospital, each with a
    pairing form that htmx answers in place."""
    _require(request.user, SCHOOLS)
    schools = selectors.schools_without_hospital(user=request.user)
    page = CappedPaginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    # One select of the same hospitals in every row: read once, written by the template.
    return render(request, "orgs/readiness.html", {
        "page": page, "counts": selectors.readiness_counts(user=request.user),
        "hospitals": list(selectors.hospitals_listed(user=request.user))})
