"""Staff accounts pages: a school's staff and their accounts, with the one-click creation
from the roster, codes printed again per class or unit, an account's reset, deactivation and
reactivation; the activation page (not signed in) and the password change every new or
reset account is led to first.

Rows are read through the scope layer with accounts.manage: a school or an account out of
scope is a 404, as one that does not exist. Codes are shown once, on the printable sheet the
POST answers with."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.access.rules import has_org_perm
from apps.accounts import forms, selectors, services
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.pages import back_url, change_and_back, errors_as_messages
from apps.core.pagination import CappedPaginator

FORM_METHODS = ["GET", "POST"]
PAGE_SIZE = 50


def _require(user) -> None:
    if not has_org_perm(user, selectors.MANAGE):
        raise Http404


@login_required
@require_GET
def home(request):
    _require(request.user)
    schools = list(selectors.schools_managed(user=request.user)[:201])
    if len(schools) == 1:
        return redirect("accounts:school", pk=schools[0].pk)
    return render(request, "accounts/home.html", {"schools": schools[:200],
                                                   "more": len(schools) > 200})


@login_required
@require_http_methods(FORM_METHODS)
def account_new(request):
    """One account for someone on no roster (a bureau's admin, a new school's first admin):
    its slip is printed once, then a role is given to it on the Roles page."""
    _require(request.user)
    form = forms.NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.account_create(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The account %(username)s is made: print its slip, "
                                        "then give it a role on the Roles page.")
                             % {"username": issued.username})
            return _sheet(request, [issued], issued.name)
    return render(request, "accounts/new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _reissue_form(request, school, data=None):
    classes, units = selectors.reissue_choices(school=school)
    return forms.ReissueForm(data, classes=classes, units=units)


def _school_page(request, school, form, status=200):
    page = CappedPaginator(selectors.staff_of(user=request.user, school=school),
                           PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/school.html", {
        "school": school, "page": page, "form": form,
        "counts": selectors.staff_counts(user=request.user, school=school),
        "events": selectors.events_of(user=request.user, school=school)}, status=status)


@login_required
@require_GET
def school(request, pk: int):
    found = selectors.school_managed(user=request.user, pk=pk)
    return _school_page(request, found, _reissue_form(request, found))


def _sheet(request, issued, title: str, school=None):
    groups: dict[str, list] = {}
    for slip in sorted(issued, key=lambda s: (s.place, s.username)):
        groups.setdefault(slip.place, []).append(slip)
    return render(request, "accounts/sheet.html", {
        "groups": groups, "count": len(issued), "title": title, "school": school,
        "activate_url": request.build_absolute_uri(reverse("accounts:activate"))})


@login_required
@require_POST
def school_create(request, pk: int):
    found = selectors.school_managed(user=request.user, pk=pk)
    made = services.staff_accounts_create(actor=request.user, school_ids=[found.pk])
    if made.teachers:
        messages.success(request, _("Classes given their class teacher: %(n)d.")
                         % {"n": made.teachers})
    for name, username in made.taken:
        messages.warning(request, _("%(name)s: the username %(username)s belongs to another "
                                    "account; no account was made.")
                         % {"name": name, "username": username})
    if not made.issued:
        messages.info(request, _("Every staff member has an account already."))
        return redirect("accounts:school", pk=found.pk)
    return _sheet(request, made.issued, str(found), found)


@login_required
@require_POST
def school_codes(request, pk: int):
    found = selectors.school_managed(user=request.user, pk=pk)
    form = _reissue_form(request, found, request.POST)
    if form.is_valid():
        klass, unit = form.cleaned_data["klass"], form.cleaned_data["unit"]
        try:
            issued = services.activation_codes_reissue(
                actor=request.user, school=found, klass_id=klass and klass.pk,
                unit_id=unit and unit.pk)
        except ValidationFailed as exc:
            form_add_errors(form, exc, rename={"klass_id": "klass", "unit_id": "unit"})
        else:
            if not issued:
                messages.info(request, _("No account here waits for activation."))
                return redirect("accounts:school", pk=found.pk)
            return _sheet(request, issued, f"{found} · {klass or unit or ''}", found)
    return _school_page(request, found, form, status=400)


def _managed(request, pk: int):
    """The account, or a 404 as for none; one's own account: None (told so, sent back)."""
    try:
        return services.account_managed(actor=request.user, pk=pk)
    except ValidationFailed as exc:
        if exc.errors[0].reason != "self":
            raise Http404 from None
        errors_as_messages(request, exc)
        return None


def _change(request, change, done: str):
    return change_and_back(request, change, done, "accounts:home")


@login_required
@require_POST
def user_reset(request, pk: int):
    user = _managed(request, pk)
    if user is None:
        return redirect(back_url(request, "accounts:home"))
    try:
        issued = services.account_password_reset(actor=request.user, user=user)
    except ValidationFailed as exc:
        errors_as_messages(request, exc)
        return redirect(back_url(request, "accounts:home"))
    return _sheet(request, [issued], str(user))


@login_required
@require_POST
def user_deactivate(request, pk: int):
    user = _managed(request, pk)
    if user is None:
        return redirect(back_url(request, "accounts:home"))
    return _change(request, lambda: services.account_deactivate(actor=request.user, user=user),
                   _("The account is deactivated: its sessions and tokens have ended."))


@login_required
@require_POST
def user_reactivate(request, pk: int):
    user = _managed(request, pk)
    if user is None:
        return redirect(back_url(request, "accounts:home"))
    return _change(request, lambda: services.account_reactivate(actor=request.user, user=user),
                   _("The account is active again."))


# Activation and password ----------------------------------------------------------------


@require_http_methods(FORM_METHODS)
def activate(request):
    form = forms.ActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_activate(request=request, username=form.cleaned_data["username"],
                                      code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            return redirect("accounts:password")
    return render(request, "accounts/activate.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}):
        return target
    return reverse("web:home")


@login_required
@require_http_methods(FORM_METHODS)
def password(request):
    forced = request.user.must_change_password
    form = forms.PasswordForm(request.POST or None, forced=forced)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(request=request,
                                     new_password=form.cleaned_data["new_password1"],
                                     old_password=form.cleaned_data.get("old_password"))
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Your password is saved."))
            return redirect(_next(request))
    return render(request, "accounts/password.html", {
        "form": form, "forced": forced, "next": _next(request)},
        status=400 if request.method == "POST" else 200)
