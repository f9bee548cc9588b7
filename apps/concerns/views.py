"""Concern pages: raise one (a phone page for the person or their guardian), my concerns (the
ones I raised or am on), the school's or bureau's list with late ones first, and one concern
with its history and the forms of whoever may act on it (assign, answer, reopen).

Rows are read through the scope layer, so a concern out of scope is a 404 like one that does
not exist."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.access.audit import access_view
from apps.access.rules import has_org_perm, has_perm_at
from apps.concerns import forms, selectors, services
from apps.concerns.selectors import RAISE, VIEW
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.pages import object_form_submit
from apps.core.pagination import CappedPaginator

PAGE_SIZE = 50
RENAME = {"person_id": "person", "assignee_id": "assignee", "concern_id": None}


@login_required
@require_http_methods(["GET"])
def concern_list(request):
    """The concerns of the user's schools (a bureau: of its area), late ones first."""
    if not has_org_perm(request.user, VIEW):
        raise Http404
    filters = forms.ConcernFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.concern_list(user=request.user, state=data.get("state", ""),
                                  late=bool(data.get("late")))
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "concerns/list.html",
                  {"page": page, "filters": filters, "now": timezone.now()})


@login_required
@require_http_methods(["GET"])
def concern_mine(request):
    """The concerns I raised (or that are about me or my child), and those I must answer."""
    rows = selectors.concern_list(user=request.user, mine=True)
    may_raise = has_perm_at(request.user, RAISE, ("person",))
    if not may_raise and not rows.exists():
        raise Http404
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "concerns/mine.html",
                  {"page": page, "may_raise": may_raise, "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request):
    """Raise a concern for oneself or one's child (phone layout)."""
    if not has_perm_at(request.user, RAISE, ("person",)):
        raise Http404
    persons = selectors.persons_to_raise_for(user=request.user)
    form = forms.ConcernRaiseForm(request.POST or None, persons=persons,
                                  initial={"client_id": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = services.concern_raise(
                actor=request.user, person_id=data["person"].pk, category=data["category"],
                text=data["text"], client_id=data["client_id"])
        except ValidationFailed as exc:
            form_add_errors(form, exc, rename=RENAME)
        else:
            messages.success(request, _("Your concern was sent to the school."))
            return redirect("concerns:detail", pk=concern.pk)
    return render(request, "concerns/new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _detail_context(request, concern, **given) -> dict:
    user = request.user
    may_assign = concern.state == "open" and selectors.may_assign(user, concern.school_id)
    may_answer = concern.state == "open" and selectors.may_answer(user, concern)
    candidates = selectors.assignee_candidates(school_id=concern.school_id)
    return {
        "concern": concern, "events": selectors.events(concern), "now": timezone.now(),
        "may_assign": may_assign, "may_answer": may_answer,
        "may_reopen": selectors.may_reopen(user, concern),
        "reopen_days": selectors.REOPEN_DAYS,
        "assign_form": given.get("assign") or forms.ConcernAssignForm(
            candidates=candidates, initial={"assignee": concern.assignee_id}),
        "answer_form": given.get("answer") or forms.ConcernAnswerForm(),
        "reopen_form": given.get("reopen") or forms.ConcernReopenForm(),
    }


@login_required
@require_http_methods(["GET"])
def concern_detail(request, pk: int):
    concern = selectors.concern_get(user=request.user, pk=pk)
    if not selectors.is_requester(request.user, concern):
        access_view(request=request, action="view_health", obj=concern.person, fields="concern")
    return render(request, "concerns/detail.html", _detail_context(request, concern))


def _act(request, pk: int, key: str, form, call, message: str):
    return object_form_submit(
        request, selectors.concern_get(user=request.user, pk=pk), key=key, form=form,
        call=call, done=message, url_name="concerns:detail", template="concerns/detail.html",
        context=_detail_context, rename=RENAME)


@login_required
@require_POST
def concern_assign(request, pk: int):
    concern = selectors.concern_get(user=request.user, pk=pk)
    if not selectors.may_assign(request.user, concern.school_id):
        raise Http404
    form = forms.ConcernAssignForm(request.POST, candidates=selectors.assignee_candidates(
        school_id=concern.school_id))
    return _act(request, pk, "assign", form, lambda c, d: services.concern_assign(
        actor=request.user, concern_id=c.pk, assignee_id=d["assignee"].pk),
        _("The concern was given to the person named."))


@login_required
@require_POST
def concern_answer(request, pk: int):
    return _act(request, pk, "answer", forms.ConcernAnswerForm(request.POST),
                lambda c, d: services.concern_answer(actor=request.user, concern_id=c.pk,
                                                     answer=d["answer"]),
                _("The answer was sent to the requester."))


@login_required
@require_POST
def concern_reopen(request, pk: int):
    return _act(request, pk, "reopen", forms.ConcernReopenForm(request.POST),
                lambda c, d: services.concern_reopen(actor=request.user, concern_id=c.pk,
                                                     reason=d["reason"]),
                _("The concern is open again."))
