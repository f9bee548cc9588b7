"""Approval pages: my requests with a new request per type, the inbox of requests to decide,
and one request with its history, the approver's decision form and the requester's withdraw
form. Rows are read through the scope layer, so a request out of scope is a 404 like one
that does not exist."""

from uuid import uuid4

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.access.rules import has_org_perm, has_perm_at
from apps.approvals import forms, selectors, services
from apps.approvals.models import Kind, State
from apps.approvals.selectors import DECIDE, REQUEST
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.pages import object_form_submit
from apps.core.pagination import CappedPaginator

PAGE_SIZE = 50
RENAME = {"approval_id": None, "kind": None, "person": None}


def _may_request(user) -> bool:
    return has_perm_at(user, REQUEST, ("person",))


def _may_decide(user) -> bool:
    return any(has_org_perm(user, perm) for perm in DECIDE.values())


@login_required
@require_http_methods(["GET"])
def request_list(request):
    """The user's own requests, newest first, and a button for each type."""
    if not _may_request(request.user):
        raise Http404
    filters = forms.ApprovalFilterForm(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    qs = selectors.my_requests(user=request.user)
    page = CappedPaginator(qs.filter(state=state) if state else qs,
                           PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "approvals/list.html",
                  {"page": page, "filters": filters, "kinds": Kind.choices})


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    """A new request of one type (?kind=…), its form asking what that type needs."""
    if not _may_request(request.user):
        raise Http404
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        return redirect("approvals:list")
    form = forms.ApprovalRequestForm(request.POST or None, kind=kind,
                                     initial={"client_id": uuid4().hex})
    if request.method == "POST" and form.is_valid():
        try:
            made = services.approval_request(actor=request.user, kind=kind, **form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc, rename=RENAME)
        else:
            messages.success(request, _("The request was sent.") if made.is_pending
                             else made.decision_reason)
            return redirect("approvals:detail", pk=made.pk)
    return render(request, "approvals/new.html",
                  {"form": form, "kind": kind, "kind_label": Kind(kind).label},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET"])
def inbox(request):
    """Requests waiting for the user's decision, the earliest deadline first (or, by the
    filter, those of one state)."""
    if not _may_decide(request.user):
        raise Http404
    filters = forms.ApprovalFilterForm(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    qs = selectors.to_decide(user=request.user, state=state or State.PENDING)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "approvals/inbox.html", {"page": page, "filters": filters})


def _detail_context(request, item, **given) -> dict:
    mine = item.person.user_id == request.user.pk or item.requested_by_id == request.user.pk
    return {
        "item": item,
        "decides": item.is_pending and selectors.decides(user=request.user, request=item),
        "withdraws": mine and item.state in (State.PENDING, State.APPROVED),
        "decide_form": given.get("decide") or forms.ApprovalDecideForm(),
        "withdraw_form": given.get("withdraw") or forms.ApprovalWithdrawForm(),
        "history": selectors.history(item),
    }


@login_required
@require_http_methods(["GET"])
def request_detail(request, pk: int):
    item = selectors.request_get(user=request.user, pk=pk)
    return render(request, "approvals/detail.html", _detail_context(request, item))


def _submit(request, pk: int, key: str, form, call, done: str):
    return object_form_submit(
        request, selectors.request_get(user=request.user, pk=pk), key=key, form=form,
        call=call, done=done, url_name="approvals:detail", template="approvals/detail.html",
        context=_detail_context, rename=RENAME)


@login_required
@require_POST
def request_decide(request, pk: int):
    return _submit(request, pk, "decide", forms.ApprovalDecideForm(request.POST),
                   lambda item, d: services.approval_decide(
                       actor=request.user, approval_id=item.pk,
                       approve=d["decision"] == "approve", reason=d["reason"]),
                   _("The decision was recorded."))


@login_required
@require_POST
def request_withdraw(request, pk: int):
    return _submit(request, pk, "withdraw", forms.ApprovalWithdrawForm(request.POST),
                   lambda item, d: services.approval_withdraw(
                       actor=request.user, approval_id=item.pk, reason=d["reason"]),
                   _("The request was withdrawn."))
