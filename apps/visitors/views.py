"""Visitor pages: the host's visits and the pre-registration form, the school's (or bureau's)
visits, one visit (its link for the visitor, its approval, the gate), the ID number revealed
with a reason, and the visitor's phone page (no login: the signed link is the key)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.access.rules import has_org_perm, has_perm_at
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.pagination import CappedPaginator
from apps.visitors import forms, selectors, services

PAGE_SIZE = 50


def _may_host(user) -> bool:
    return has_perm_at(user, services.HOST, ("person",))


@login_required
@require_http_methods(["GET"])
def visit_list(request):
    """The visits I host; for the school's admins and gate, the school's visits too."""
    may_host, may_view = _may_host(request.user), has_org_perm(request.user, services.VIEW)
    if not (may_host or may_view):
        raise Http404
    rows = (
        selectors.visit_list(user=request.user)
        if may_view
        else selectors.visits_hosted(user=request.user)
    )
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "visitors/list.html", {"page": page, "may_host": may_host, "now": timezone.now()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request):
    if not _may_host(request.user):
        raise Http404
    form = forms.VisitForm(request.POST or None, initial={"client_id": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_register(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The visitor is registered: send them the link."))
            return redirect("visitors:detail", pk=visit.pk)
    return render(
        request,
        "visitors/new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_detail(request, pk: int):
    visit = selectors.visit_get(user=request.user, pk=pk)
    link = request.build_absolute_uri(
        reverse("visitors:declare", args=[services.declare_token(visit)])
    )
    form, number = forms.RevealForm(request.POST or None), None
    may_reveal = has_org_perm(request.user, services.REVEAL)
    if request.method == "POST" and may_reveal and form.is_valid():
        try:
            number = services.visit_reveal_document(
                actor=request.user,
                visit_id=visit.pk,
                reason=form.cleaned_data["reason"],
                ip=request.META.get("REMOTE_ADDR"),
            )
        except ValidationFailed as exc:
            form_add_errors(form, exc)
    return render(
        request,
        "visitors/detail.html",
        {"visit": visit, "link": link, "form": form, "number": number, "may_reveal": may_reveal},
    )


@require_http_methods(["GET", "POST"])
def declare(request, token: str):
    """The visitor's phone page: the declaration, then (approved and declared) the code."""
    visit = services.visit_for_token(token)
    form = forms.DeclarationForm(request.POST or None, regions=services.risk_choices())
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_declare(token=token, **form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            return redirect("visitors:declare", token=token)
    ready = visit.declared and visit.approval.state == "approved"
    return render(
        request,
        "visitors/declare.html",
        {
            "visit": visit,
            "form": form,
            "ready": ready,
            "code": services.visitor_code(visit) if ready and not visit.entered_at else "",
        },
        status=400 if request.method == "POST" else 200,
    )
