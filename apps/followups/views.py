"""Follow-up pages: "my follow-ups" (the assignee's to-do list, built for a phone), the list
for the school's epidemic office and bureaus (filters and counts), one follow-up with its
complete form (htmx) and, for the school admin, its reassignment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.errors import ValidationFailed
from apps.core.pagination import CappedPaginator
from apps.followups import selectors, services
from apps.followups.forms import CompleteForm, FollowUpFilterForm, ReassignForm
from apps.followups.models import FollowUp, FollowUpStatus
from apps.followups.presenters import detail_rows

PAGE_SIZE = 50


@login_required
@require_GET
def mine(request):
    status = request.GET.get("status", FollowUpStatus.OPEN)
    if status not in FollowUpStatus.values:
        status = FollowUpStatus.OPEN
    rows = selectors.my_followups(user=request.user, status=status)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "followups/mine.html", {"page": page, "status": status,
                                                   "statuses": FollowUpStatus.choices})


@login_required
@require_GET
def school_list(request):
    params = request.GET.copy()
    params.setdefault("status", FollowUpStatus.OPEN)
    form = FollowUpFilterForm(params)
    form.is_valid()
    f = form.cleaned_data
    scoped = selectors.followup_list(user=request.user, status="")
    rows = selectors.followup_list(user=request.user, status=f.get("status", ""),
                                   kind=f.get("kind", ""), overdue=f.get("overdue", False))
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "counts": selectors.followup_counts(scoped),
               "kinds": dict(FollowUp._meta.get_field("kind").choices)}
    template = "followups/_results.html" if request.htmx else "followups/list.html"
    return render(request, template, context)


def _to_call(user, followup) -> list[tuple[str, str, str, bool]]:
    """The person's guardians to call (the roster's guardian first, then the other household
    members with a phone): name, relation, phone as this user may see it, whether in full."""
    from apps.families.relations import relation_label
    from apps.people import selectors as people_selectors

    person = followup.person
    shown = people_selectors.phones_shown(user=user, person=person)
    members = sorted((m for m in people_selectors.person_household(user=user, person=person)
                      if m.phone), key=lambda m: not m.guardian)
    return [(m.name, relation_label(m.relation),
             people_selectors.phone_as_shown(m.phone, shown=shown), shown) for m in members]


def _detail_context(request, followup, *, complete_form=None, reassign_form=None) -> dict:
    may_assign = FollowUp.objects.restrict(request.user, "followups.assign") \
        .filter(pk=followup.pk).exists()
    may_complete = FollowUp.objects.restrict(request.user, "followups.complete") \
        .filter(pk=followup.pk).exists()
    if may_assign and reassign_form is None and followup.status == FollowUpStatus.OPEN:
        reassign_form = ReassignForm(
            initial={"assignee": followup.assignee_id},
            candidates=selectors.assignee_candidates(followup=followup))
    return {"f": followup, "detail": detail_rows(followup.detail),
            "to_call": _to_call(request.user, followup),
            "may_complete": may_complete and followup.status == FollowUpStatus.OPEN,
            "complete_form": complete_form or CompleteForm(), "reassign_form": reassign_form}


@login_required
@require_GET
def detail(request, pk: int):
    followup = selectors.followup_get(user=request.user, pk=pk)
    return render(request, "followups/detail.html", _detail_context(request, followup))


@login_required
@require_POST
def complete(request, pk: int):
    followup = selectors.followup_get(user=request.user, pk=pk, perm="followups.complete")
    form = CompleteForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            followup = services.followup_complete(actor=request.user, followup_id=followup.pk,
                                                  outcome=form.cleaned_data["outcome"])
        except ValidationFailed as exc:
            for error in exc.errors:
                form.add_error("outcome" if error.field == "outcome" else None, error.message)
            status = 400
        else:
            if not request.htmx:
                messages.success(request, _("The follow-up is done."))
                return redirect("followups:mine")
            followup = selectors.followup_get(user=request.user, pk=pk)
            form = None
    else:
        status = 400
    context = _detail_context(request, followup, complete_form=form)
    template = "followups/_card.html" if request.htmx else "followups/detail.html"
    # htmx swaps only a 2xx answer by default: show the form's errors with 200 to htmx
    return render(request, template, context, status=200 if request.htmx else status)


@login_required
@require_POST
def reassign(request, pk: int):
    followup = selectors.followup_get(user=request.user, pk=pk, perm="followups.assign")
    form = ReassignForm(request.POST,
                        candidates=selectors.assignee_candidates(followup=followup))
    if form.is_valid():
        try:
            services.followup_reassign(actor=request.user, followup_id=followup.pk,
                                       assignee_id=form.cleaned_data["assignee"])
        except ValidationFailed as exc:
            for error in exc.errors:
                messages.error(request, error.message)
        else:
            messages.success(request, _("The follow-up is reassigned."))
    else:
        messages.error(request, _("Choose someone responsible for this person."))
    return redirect("followups:detail", pk=followup.pk)


