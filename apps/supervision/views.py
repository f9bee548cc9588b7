"""Supervision pages: the inspections list with the plan form (bureaus), the bureau overview
with its chart by item, one inspection performed on a phone (each item's result, note and
photos) with its findings, their print page and workbook, the rectifications list (overdue
first to see) and one rectification with the school's assign and answer forms and the
inspector's verify and reopen forms, and each photo through its scoped page.

Rows are read through the scope layer, so one out of scope is a 404 like one that does not
exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.access.rules import has_org_perm
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.pages import errors_as_messages, object_form_submit
from apps.core.pagination import CappedPaginator
from apps.core.routers import reads_from_replica
from apps.supervision import checklist, forms, photos, selectors, services
from apps.supervision.models import InspectionState, ItemResult, RectificationState
from apps.supervision.selectors import INSPECT, RECTIFY, VIEW

PAGE_SIZE = 50
RENAME = {"school_id": "school", "assignee_id": "assignee", "inspection_id": None,
          "rectification_id": None}


def _require(user, perm: str) -> None:
    if not has_org_perm(user, perm):
        raise Http404


def _english() -> bool:
    return (get_language() or "").startswith("en")


@login_required
@require_http_methods(["GET", "POST"])
def inspection_list(request):
    """The inspections of the user's schools, newest first; an inspector plans one here."""
    _require(request.user, VIEW)
    inspect = has_org_perm(request.user, INSPECT)
    filters = forms.InspectionFilterForm(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    form = forms.InspectionPlanForm(
        request.POST or None, schools=selectors.schools_to_inspect(user=request.user),
        checklists=selectors.checklists(), language=get_language()) if inspect else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                inspection = services.inspection_plan(
                    actor=request.user, school_id=data["school"].pk,
                    planned_on=data["planned_on"], checklist=data["checklist"], note=data["note"])
            except ValidationFailed as exc:
                form_add_errors(form, exc, rename=RENAME)
            else:
                messages.success(request, _("The inspection was planned."))
                return redirect("supervision:detail", pk=inspection.pk)
    page = CappedPaginator(selectors.inspection_list(user=request.user, state=state),
                           PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/list.html",
                  {"page": page, "filters": filters, "form": form, "inspect": inspect},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
@reads_from_replica
def overview(request):
    """Schools inspected, open findings, overdue rectifications and failures by item."""
    _require(request.user, INSPECT)
    figures = selectors.overview(user=request.user)
    found = checklist.get("directive-2022")
    english = _english()
    labels, values = [], []
    for item in found.items if found else ():
        labels.append(item.en if english else item.zh)
        values.append(figures["failed_by_item"].get(item.code, 0))
    chart = {"items": {"title": pgettext("inspection", "Failed"), "labels": labels,
                       "values": values}}
    return render(request, "supervision/overview.html", {
        "figures": figures, "chart_data": chart, "by_item": list(zip(labels, values, strict=True)),
        "overdue": selectors.rectification_list(user=request.user, overdue=True)[:PAGE_SIZE]})


def _detail_context(request, inspection, record_form=None) -> dict:
    user = request.user
    perform = (inspection.state == InspectionState.PLANNED
               and selectors.may(user, INSPECT, inspection.school_id))
    return {
        "inspection": inspection, "items": selectors.inspection_items(inspection=inspection),
        "perform": perform, "record_form": record_form, "english": _english(),
        "findings": selectors.rectification_list(user=user, inspection=inspection),
        "results": forms.ItemRecordForm.base_fields["result"].choices,
    }


@login_required
@require_GET
def inspection_detail(request, pk: int):
    _require(request.user, VIEW)
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    return render(request, "supervision/detail.html", _detail_context(request, inspection))


@login_required
@require_POST
def inspection_record(request, pk: int):
    """One item's result, note and photos (the form of that item on the page)."""
    _require(request.user, VIEW)
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    form = forms.ItemRecordForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.inspection_record(actor=request.user, inspection_id=inspection.pk,
                                       code=data["code"], result=data["result"],
                                       note=data["note"], photos=request.FILES.getlist("photos"))
        except ValidationFailed as exc:
            form_add_errors(form, exc, rename=RENAME)
        else:
            messages.success(request, _("The item was recorded."))
            return redirect(reverse("supervision:detail", args=[pk]) + f"#item-{data['code']}")
    return render(request, "supervision/detail.html",
                  _detail_context(request, inspection, form), status=400)


@login_required
@require_POST
def inspection_complete(request, pk: int):
    _require(request.user, VIEW)
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    try:
        services.inspection_complete(actor=request.user, inspection_id=inspection.pk)
    except ValidationFailed as exc:
        errors_as_messages(request, exc)
    else:
        messages.success(request, _("The inspection was completed; its findings are now "
                                    "rectifications."))
    return redirect("supervision:detail", pk=pk)


def _findings_output(request, pk: int, output: str) -> tuple:
    from apps.access.audit import access_output

    _require(request.user, VIEW)
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    rows = selectors.findings_rows(inspection=inspection, language="en" if _english() else "zh")
    headers = [_("No."), _("Item"), _("Result"), _("Note"), _("Responsible"), _("Deadline"),
               _("State"), _("Answer")]
    access_output(request=request, output=output, obj=inspection,
                  fields="item,result,note,responsible,deadline,state,answer", rows=len(rows),
                  reason="inspection findings")
    meta = [(_("School"), inspection.school.name),
            (_("Planned for"), inspection.planned_on.isoformat()),
            (_("Inspector"), str(inspection.inspector) if inspection.inspector_id else "—"),
            (_("State"), inspection.get_state_display()),
            (pgettext("inspection", "Failed"),
             inspection.items.filter(result=ItemResult.FAIL).count())]
    return inspection, rows, meta, headers


@login_required
@require_GET
def findings_print(request, pk: int):
    from apps.core.pages import print_page

    inspection, rows, meta, headers = _findings_output(request, pk, "print")
    return print_page(request, "supervision/findings_print.html", {
        "inspection": inspection, "rows": rows, "headers": headers}, meta=meta,
        xlsx_url=reverse("supervision:findings_xlsx", args=[pk]),
        back_url=reverse("supervision:detail", args=[pk]))


@login_required
@require_GET
def findings_xlsx(request, pk: int):
    from apps.core.sheets import Sheet, meta_lines, xlsx_response

    inspection, rows, meta, headers = _findings_output(request, pk, "xlsx")
    return xlsx_response(filename=f"inspection-{inspection.pk}", sheets=[Sheet(
        _("Inspection findings"), headers, rows, widths=(5, 36, 10, 40, 14, 12, 12, 40),
        lead=meta_lines(meta))])


@login_required
@require_GET
def rectification_list(request):
    """The rectifications the user sees or is named on, by deadline; overdue ones marked."""
    filters = forms.RectificationFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.rectification_list(user=request.user, state=data.get("state", ""),
                                      overdue=data.get("overdue", False),
                                      mine=data.get("mine", False))
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/rectifications.html",
                  {"page": page, "filters": filters, "english": _english()})


def _rect_context(request, rect, **given) -> dict:
    user = request.user
    is_open, answered = (rect.state == RectificationState.OPEN,
                         rect.state == RectificationState.ANSWERED)
    assign = rect.state != RectificationState.VERIFIED and selectors.may(user, RECTIFY,
                                                                         rect.school_id)
    inspect = answered and selectors.may(user, INSPECT, rect.school_id)
    return {
        "rect": rect, "english": _english(), "photos": list(rect.photos.all()),
        "item_photos": list(rect.item.photos.all()),
        "assign_form": (given.get("assign") or forms.RectificationAssignForm(
            candidates=selectors.assignee_candidates(school_id=rect.school_id),
            initial={"assignee": rect.assignee_id})) if assign else None,
        "answer_form": (given.get("answer") or forms.RectificationAnswerForm())
        if is_open and selectors.may_answer(user, rect) else None,
        "verify": inspect,
        "reopen_form": (given.get("reopen") or forms.RectificationReopenForm())
        if inspect else None,
    }


@login_required
@require_GET
def rectification_detail(request, pk: int):
    rect = selectors.rectification_get(user=request.user, pk=pk)
    return render(request, "supervision/rectification.html", _rect_context(request, rect))


def _act(request, pk: int, key: str, form, call, done: str):
    return object_form_submit(
        request, selectors.rectification_get(user=request.user, pk=pk), key=key, form=form,
        call=call, done=done, url_name="supervision:rectification_detail",
        template="supervision/rectification.html", context=_rect_context, rename=RENAME)


@login_required
@require_POST
def rectification_assign(request, pk: int):
    rect = selectors.rectification_get(user=request.user, pk=pk)
    if not selectors.may(request.user, RECTIFY, rect.school_id):
        raise Http404
    form = forms.RectificationAssignForm(
        request.POST, candidates=selectors.assignee_candidates(school_id=rect.school_id))
    return _act(request, pk, "assign", form, lambda r, d: services.rectification_assign(
        actor=request.user, rectification_id=r.pk, assignee_id=d["assignee"].pk,
        due_on=d["due_on"]), _("The rectification was assigned."))


@login_required
@require_POST
def rectification_answer(request, pk: int):
    form = forms.RectificationAnswerForm(request.POST)
    return _act(request, pk, "answer", form, lambda r, d: services.rectification_answer(
        actor=request.user, rectification_id=r.pk, answer=d["answer"],
        photos=request.FILES.getlist("photos")), _("The answer was sent to the inspector."))


@login_required
@require_POST
def rectification_verify(request, pk: int):
    rect = selectors.rectification_get(user=request.user, pk=pk)
    try:
        services.rectification_verify(actor=request.user, rectification_id=rect.pk)
    except ValidationFailed as exc:
        errors_as_messages(request, exc)
    else:
        messages.success(request, _("The rectification was verified."))
    return redirect("supervision:rectification_detail", pk=pk)


@login_required
@require_POST
def rectification_reopen(request, pk: int):
    return _act(request, pk, "reopen", forms.RectificationReopenForm(request.POST),
                lambda r, d: services.rectification_reopen(
                    actor=request.user, rectification_id=r.pk, reason=d["reason"],
                    due_on=d["due_on"]), _("The rectification was reopened."))


@login_required
@require_GET
def photo(request, pk: int):
    """One photo, to those who see its inspection or the rectification it is evidence of;
    never cached by a shared cache, never sniffed as anything but its checked type."""
    return photos.response(selectors.photo_get(user=request.user, pk=pk))
