"""Server-rendered pages. Views validate input, call a service or selector, and render;
every read goes through the scoped layer, so anything out of scope is a 404."""

from functools import partial

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from apps.access.audit import access_view
from apps.access.grants import has_perm_anywhere
from apps.access.models import ApiToken
from apps.access.services import (
    LoginFailed,
    LoginLocked,
    api_token_create,
    api_token_revoke,
    login_attempt,
    user_permissions,
)
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.identity import mask_phone, normalize_document
from apps.core.pagination import CappedPaginator
from apps.core.routers import reads_from_replica
from apps.orgs.models import School, SchoolClass, Unit
from apps.people import selectors as people_selectors
from apps.people.models import Person
from apps.people.services import person_reveal_document
from apps.status.selectors import status_panel
from apps.web import selectors
from apps.web.forms import LoginForm, PersonFilterForm, RevealForm, TokenForm
from apps.web.history import history_entries
from apps.web.home import home_context

PAGE_SIZE = 25


# ---- login -----------------------------------------------------------------------------


def _next_url(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return None


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            login_attempt(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except (LoginLocked, LoginFailed) as exc:
            error = str(exc)
        else:
            return redirect(_next_url(request) or "web:home")
    status = 200 if not error else 401
    return render(
        request,
        "web/login.html",
        {"form": form, "error": error, "next": _next_url(request) or ""},
        status=status,
    )


@require_POST
def logout_view(request):
    logout(request)
    return redirect("web:login")


# ---- home ------------------------------------------------------------------------------


@login_required
@require_GET
@reads_from_replica
def home(request):
    response = render(request, "web/home.html", home_context(request.user))
    add_never_cache_headers(response)  # the personal code rotates daily
    return response


# ---- org tree --------------------------------------------------------------------------


@login_required
@require_GET
@reads_from_replica
def org_tree(request):
    return render(
        request,
        "web/orgs/tree.html",
        {
            "nodes": selectors.tree_roots(user=request.user),
            "show_counts": has_perm_anywhere(request.user, "people.view"),
        },
    )


@login_required
@require_GET
@reads_from_replica
def org_children(request, kind: str, pk: int):
    return render(
        request,
        "web/orgs/_nodes.html",
        {
            "nodes": selectors.tree_children(user=request.user, kind=kind, pk=pk),
            "show_counts": has_perm_anywhere(request.user, "people.view"),
        },
    )


# ---- people ----------------------------------------------------------------------------

FILTERS = ("q", "school", "unit", "klass", "kind", "residence")


def _int_param(params, name: str) -> int | None:
    value = params.get(name, "")
    return int(value) if value.isdigit() else None


def _filter_choices(user, params):
    """The schools, units and classes offered in the filters: those in scope, cascading
    from the chosen school and unit (a scope of one school needs no choice of school)."""
    schools = list(School.objects.restrict(user, "orgs.view").values_list("pk", "name")[:500])
    school_id = _int_param(params, "school")
    if school_id is None and len(schools) == 1:
        school_id = schools[0][0]
    units, classes = [], []
    if school_id is not None:
        units = list(
            Unit.objects.restrict(user, "orgs.view").open()
            .filter(school_id=school_id)
            .values_list("pk", "name")
        )
        klass_qs = (SchoolClass.objects.restrict(user, "orgs.view").open()
                    .filter(school_id=school_id))
        unit_id = _int_param(params, "unit")
        if unit_id is not None:
            klass_qs = klass_qs.filter(unit_id=unit_id)
        classes = list(klass_qs.values_list("pk", "name")[:500])
    return schools, units, classes


def _list_url(params, *, page=None) -> str:
    """The bookmarkable address of a search: its filters, but never an ID number (the search
    form posts, so a number typed into it stays out of addresses, history and server logs)."""
    query = {k: params[k] for k in FILTERS if params.get(k)}
    if people_selectors.DOCUMENT_LIKE.fullmatch(normalize_document(query.get("q", ""))):
        del query["q"]
    if page:
        query["page"] = page
    return reverse("web:person_list") + ("?" + urlencode(query) if query else "")


@login_required
@require_http_methods(["GET", "POST"])
@reads_from_replica
def person_list(request):
    params = request.POST if request.method == "POST" else request.GET
    schools, units, classes = _filter_choices(request.user, params)
    form = PersonFilterForm(params, schools=schools, units=units, classes=classes)
    form.is_valid()  # a filter that is not a valid choice (out of scope) is just ignored
    f = form.cleaned_data
    people = people_selectors.person_list(
        user=request.user,
        q=f.get("q") or "",
        school_id=f.get("school"),
        unit_id=f.get("unit"),
        klass_id=f.get("klass"),
        kind=f.get("kind") or None,
        residence=f.get("residence") or None,
    )
    page = CappedPaginator(people, PAGE_SIZE).get_page(params.get("page"))
    for person in page:
        person.phone_masked = mask_phone(person.phone)
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(
        request,
        "web/people/_results.html" if partial else "web/people/list.html",
        {
            "form": form,
            "page": page,
            "oob": partial,
            "previous_url": _list_url(params, page=page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": _list_url(params, page=page.next_page_number()) if page.has_next() else "",
        },
    )
    if partial:
        push_url(response, _list_url(params, page=page.number if page.number > 1 else None))
    patch_vary_headers(response, ("HX-Request",))
    return response


def _person_context(request, person: Person) -> dict:
    user = request.user
    in_scope = lambda perm: Person.objects.restrict(user, perm).filter(pk=person.pk).exists()  # noqa: E731
    household = people_selectors.person_household(user=user, person=person)
    shown = people_selectors.phones_shown(user=user, person=person)
    phone = partial(people_selectors.phone_as_shown, shown=shown)
    return {
        "person": person,
        "phone": phone(person.phone),
        "phones_shown": shown,
        "household": [(m, phone(m.phone)) for m in household],
        "guardians": people_selectors.person_guardians(user=user, person=person),
        "history": history_entries(person) if in_scope("people.history") else None,
        "can_reveal": in_scope("people.reveal_id"),
        "status_panel": status_panel(user=user, person=person),
        "reveal_form": RevealForm(),
    }


@login_required
@require_GET
def person_detail(request, pk: int):
    person = people_selectors.person_get(user=request.user, pk=pk)
    context = _person_context(request, person)
    if context.get("status_panel"):
        access_view(request=request, action="view_health", obj=person, fields="status")
    return render(request, "web/people/detail.html", context)


@login_required
@require_POST
def person_reveal(request, pk: int):
    person = people_selectors.person_get(user=request.user, pk=pk, perm="people.reveal_id")
    form = RevealForm(request.POST)
    context = _person_context(request, person)
    status = 400
    if form.is_valid():
        try:
            context["revealed"] = person_reveal_document(
                actor=request.user,
                person=person,
                reason=form.cleaned_data["reason"],
                ip=request.META.get("REMOTE_ADDR") or None,
            )
            status = 200
        except ValidationFailed as exc:
            for error in exc.errors:
                form.add_error("reason", error.message)
    context["reveal_form"] = form
    response = render(request, "web/people/detail.html", context, status=status)
    add_never_cache_headers(response)  # the full number must not stay in any cache
    return response


# ---- API tokens ------------------------------------------------------------------------


def _token_page(request, form, created=None, status=200):
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    response = render(
        request,
        "web/tokens/list.html",
        {"tokens": tokens, "form": form, "created": created},
        status=status,
    )
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    perms = user_permissions(request.user)
    form = TokenForm(request.POST or None, permissions=perms)
    if request.method != "POST":
        return _token_page(request, form)
    if form.is_valid():
        try:
            token, plaintext = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                permissions=form.cleaned_data["permissions"] or None,
                days=form.cleaned_data["days"],
            )
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            return _token_page(request, TokenForm(permissions=perms), created=(token, plaintext))
    return _token_page(request, form, status=400)


@login_required
@require_POST
def token_revoke(request, pk: int):
    api_token_revoke(user=request.user, token_id=pk)
    return redirect("web:token_list")
