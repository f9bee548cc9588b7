"""Guardians' binding pages: codes printed per class, the guardian's sign-up (not signed in)
and binding of another child, the class teacher's pending requests with recent household
changes, a guardian's household of each child, and a school's choice to link at once.

Rows are read through the scope layer with the permission each page needs, so a row out of
scope is a 404 like one that does not exist."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.access.rules import has_org_perm
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.identity import mask_phone
from apps.families import forms, selectors, services
from apps.families.models import FamilySettings
from apps.orgs.models import School
from apps.orgs.selectors import get_in_scope
from apps.people.models import HouseholdMember
from apps.people.services import HOUSEHOLD

FORM_METHODS = ["GET", "POST"]


def _require(user, perm: str) -> None:
    if not has_org_perm(user, perm):
        raise Http404


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _saved(request, form, save, message: str = ""):
    """On a valid POST, `save(data)`: a service call that returns where to go next (or the
    page to answer with: the printed sheet), its errors landing on the fields they name.
    None: show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        target = save(form.cleaned_data)
    except ValidationFailed as exc:
        form_add_errors(form, exc, rename={"klass_id": "klass", "unit_id": "unit"})
        return None
    if message:
        messages.success(request, message)
    return target if hasattr(target, "status_code") else redirect(target)


def _page(request, template: str, context: dict):
    return render(request, template, context, status=400 if request.method == "POST" else 200)


# Codes -------------------------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def codes(request):
    """Choose a class (or unit); posting issues new codes and shows the sheet to print. The
    codes are shown this once: printing again means issuing again (the old ones go void)."""
    _require(request.user, services.ISSUE)
    form = forms.IssueForm(request.POST or None,
                           classes=selectors.issuable_classes(user=request.user),
                           units=selectors.issuable_units(user=request.user))

    def save(data):
        klass, unit = data["klass"], data["unit"]
        issued = services.binding_codes_issue(actor=request.user,
                                              klass_id=klass.pk if klass else None,
                                              unit_id=unit.pk if unit else None)
        return _sheet(request, issued, klass or unit)

    return _saved(request, form, save) or _page(request, "families/codes.html", {
        "form": form, "schools": selectors.settings_schools(user=request.user)})


def _sheet(request, issued, place):
    # The QR code carries the sign-up address only, never a code: a code in a URL would end
    # up in browser histories and access logs.
    url = request.build_absolute_uri(reverse("families:signup"))
    qr_svg = segno.make(url, error="m").svg_inline(scale=2, border=1)
    return render(request, "families/sheet.html", {
        "issued": issued, "place": place, "signup_url": url, "qr_svg": qr_svg})


# Sign-up and binding -----------------------------------------------------------------------


@require_http_methods(FORM_METHODS)
def signup(request):
    if request.user.is_authenticated:
        return redirect("families:bind")
    form = forms.SignUpForm(request.POST or None)

    def save(data):
        binding = services.guardian_sign_up(
            code=data["code"], phone=data["phone"], name=data["name"],
            relation=data["relation"], password=data["password"], consent=data["consent"],
            ip=_client_ip(request))
        login(request, binding.user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return reverse("families:mine")

    message = _("Your account is ready: sign in with your phone number from now on.")
    return _saved(request, form, save, message) or _page(request, "families/signup.html",
                                                         {"form": form})


@login_required
@require_http_methods(FORM_METHODS)
def bind(request):
    form = forms.BindForm(request.POST or None)

    def save(data):
        services.guardian_bind(actor=request.user, code=data["code"], relation=data["relation"],
                               consent=data["consent"], ip=_client_ip(request))
        return reverse("families:mine")

    return _saved(request, form, save, _("Request sent.")) or _page(
        request, "families/bind.html", {"form": form})


@login_required
@require_GET
def mine(request):
    return render(request, "families/mine.html", {
        "requests": selectors.my_requests(user=request.user),
        "children": selectors.household_children(user=request.user)})


# The class teacher's decisions ------------------------------------------------------------------


@login_required
@require_GET
def pending(request):
    _require(request.user, services.CONFIRM)
    return render(request, "families/pending.html", {
        "requests": selectors.pending_requests(user=request.user),
        "changes": selectors.household_changes(user=request.user)[:50],
        "reject_form": forms.RejectForm(), "days": selectors.CHANGES_DAYS})


@login_required
@require_POST
def binding_confirm(request, pk: int):
    try:
        binding = services.binding_confirm(actor=request.user, binding_id=pk)
    except ValidationFailed as exc:
        messages.error(request, exc.errors[0].message)
    else:
        messages.success(request, _("%(name)s is linked to %(child)s.") % {
            "name": binding.user, "child": binding.person.name})
    return redirect("families:pending")


@login_required
@require_POST
def binding_reject(request, pk: int):
    form = forms.RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.binding_reject(actor=request.user, binding_id=pk, reason=reason)
    except ValidationFailed as exc:
        messages.error(request, exc.errors[0].message)
    else:
        messages.success(request, _("Rejected."))
    return redirect("families:pending")


# Households ---------------------------------------------------------------------------------------


def _members(person) -> list:
    members = list(person.household.order_by("name"))
    for member in members:
        member.phone_masked = mask_phone(member.phone) if member.phone else ""
    return members


@login_required
@require_http_methods(FORM_METHODS)
def household(request, pk: int):
    """A child's co-residents, and a form to add one."""
    person = selectors.household_person(user=request.user, pk=pk)
    form = forms.HouseholdForm(request.POST or None)

    def save(_data):
        services.household_member_add(actor=request.user, person_id=person.pk, **form.values())
        return reverse("families:household", args=[person.pk])

    return _saved(request, form, save, _("Saved.")) or _page(request, "families/household.html", {
        "person": person, "members": _members(person), "form": form})


@login_required
@require_http_methods(FORM_METHODS)
def member_edit(request, pk: int):
    member = get_in_scope(HouseholdMember, user=request.user, pk=pk, perm=HOUSEHOLD)
    initial = {"name": member.name, "relation": member.relation, "phone": member.phone,
               "occupation": member.occupation,
               "residence_region_code": member.residence_region_id or ""}
    form = forms.HouseholdForm(request.POST or None, initial=initial)

    def save(_data):
        services.household_member_update(actor=request.user, member_id=member.pk,
                                         **form.values())
        return reverse("families:household", args=[member.person_id])

    return _saved(request, form, save, _("Saved.")) or _page(
        request, "families/member.html", {"member": member, "form": form})


@login_required
@require_POST
def member_remove(request, pk: int):
    member = get_in_scope(HouseholdMember, user=request.user, pk=pk, perm=HOUSEHOLD)
    services.household_member_remove(actor=request.user, member_id=member.pk)
    messages.success(request, _("Removed."))
    return redirect("families:household", pk=member.person_id)


# A school's choice ---------------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def school_settings(request, pk: int):
    school = get_in_scope(School, user=request.user, pk=pk, perm=services.SETTINGS)
    current = FamilySettings.objects.filter(school=school).first()
    form = forms.SettingsForm(request.POST or None, initial={
        "link_at_once": bool(current and current.link_at_once)})

    def save(data):
        services.family_settings_update(actor=request.user, school_id=school.pk,
                                        link_at_once=data["link_at_once"])
        return reverse("families:school_settings", args=[school.pk])

    return _saved(request, form, save, _("Saved.")) or _page(
        request, "families/settings.html", {"school": school, "form": form})
