"""Risk-area pages: the list (filters), designate, change, lift, history, CSV import with a
checked preview before anything is saved."""

import base64
import binascii

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.access.rules import has_perm_anywhere, may
from apps.core.errors import ValidationFailed, form_add_errors
from apps.core.pagination import CappedPaginator
from apps.core.progress import DONE, Progress, progress_response
from apps.risk import selectors, services
from apps.risk.forms import ImportForm, LiftForm, RiskAreaFilterForm, RiskAreaForm
from apps.risk.imports import MAX_BYTES
from apps.risk.models import RiskArea

PAGE_SIZE = 25


def _require_view(user) -> None:
    if not has_perm_anywhere(user, "risk.view"):
        raise Http404


@login_required
@require_GET
def area_list(request):
    _require_view(request.user)
    params = request.GET.copy()
    params.setdefault("state", "in_force")
    form = RiskAreaFilterForm(params)
    form.is_valid()
    f = form.cleaned_data
    state = f.get("state", "")
    areas = selectors.risk_area_list(
        user=request.user, level=f.get("level") or None, region_code=f.get("region") or None,
        in_force_on=timezone.localdate() if state == "in_force" else None,
        lifted=True if state == "lifted" else None)
    page = CappedPaginator(areas, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "risk/list.html", {
        "form": form, "page": page,
        "may_change": has_perm_anywhere(request.user, "risk.change")})


@login_required
@require_http_methods(["GET", "POST"])
def area_designate(request):
    if not has_perm_anywhere(request.user, "risk.change"):
        raise Http404
    form = RiskAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.risk_area_designate(
                actor=request.user, region_code=form.cleaned_data["region"],
                **{k: form.cleaned_data[k] for k in ("level", "start", "end", "sub_area",
                                                     "source")})
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The risk area is designated."))
            return redirect("risk:detail", pk=area.pk)
    return render(request, "risk/form.html", {"form": form, "area": None},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def area_update(request, pk: int):
    area = selectors.risk_area_get(user=request.user, pk=pk, perm="risk.change")
    initial = {"region": area.region_id, **{k: getattr(area, k) for k in (
        "sub_area", "level", "start", "end", "source")}}
    form = RiskAreaForm(request.POST or None, initial=initial)
    form.fields["region"].disabled = True  # another region is another designation
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_area_update(actor=request.user, area=area, **{
                k: form.cleaned_data[k] for k in ("level", "start", "end", "sub_area", "source")})
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The designation is changed."))
            return redirect("risk:detail", pk=area.pk)
    return render(request, "risk/form.html", {"form": form, "area": area},
                  status=400 if request.method == "POST" else 200)


def _detail(request, area, lift_form, status=200):
    return render(request, "risk/detail.html", {
        "area": area, "history": selectors.risk_area_history(area)[:100],
        "progress": selectors.risk_area_progress(area),
        "may_change": may(request.user, "risk.change", RiskArea, area.pk),
        "lift_form": lift_form}, status=status)


@login_required
@require_GET
def area_detail(request, pk: int):
    area = selectors.risk_area_get(user=request.user, pk=pk)
    return _detail(request, area, LiftForm(initial={"lifted_on": timezone.localdate()}))


@login_required
@require_GET
def area_progress(request, pk: int):
    """The bar of the recompute after the area's last change (apps.core.progress)."""
    area = selectors.risk_area_get(user=request.user, pk=pk)
    progress = selectors.risk_area_progress(area)
    if progress is None:  # an hour old, or its record pruned: nothing is running
        progress = Progress(DONE)
    return progress_response(request, progress, url=request.path, element_id="area-progress")


@login_required
@require_POST
def area_lift(request, pk: int):
    area = selectors.risk_area_get(user=request.user, pk=pk, perm="risk.change")
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            services.risk_area_lift(actor=request.user, area=area, **form.cleaned_data)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("The designation is lifted."))
            return redirect("risk:detail", pk=area.pk)
    return _detail(request, area, form, status=400)


def _uploaded(request, form) -> bytes | None:
    """The file just uploaded, or the one checked before (carried in the preview page)."""
    upload = form.cleaned_data.get("file")
    if upload is not None:
        return upload.read(MAX_BYTES + 1)
    try:
        data = base64.b64decode(request.POST.get("content", ""), validate=True)
    except (binascii.Error, ValueError):
        return None
    return data or None


@login_required
@require_http_methods(["GET", "POST"])
def area_import(request):
    if not has_perm_anywhere(request.user, "risk.change"):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "report": None, "content": ""}
    if request.method == "POST" and form.is_valid():
        data = _uploaded(request, form)
        if data is None:
            form.add_error("file", _("Choose a CSV file."))
        else:
            apply = request.POST.get("action") == "apply"
            report = services.risk_areas_import_csv(
                actor=request.user, file=data, dry_run=not apply,
                apply_valid_only=form.cleaned_data["apply_valid_only"])
            if report.created:
                messages.success(request, _("%(n)d designations imported.") % {
                    "n": report.created})
                return redirect("risk:list")
            context.update(report=report, content=base64.b64encode(data).decode())
    return render(request, "risk/import.html", context)
