"""Supplies pages: the schools below their least days of cover (a bureau's list, paged, each
with its short items, shortfall and reorder), and one school's page: each item's stock,
daily use, days of cover against the least its policy asks, what to reorder, the forms to
record a movement or import a stocktake workbook, the ledger, the workbook of its stock and
the chart of cover over time.

The school is read through the scope layer, so one out of scope is a 404 like one that does
not exist."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.access.rules import has_org_perm
from apps.core.pages import form_submit
from apps.core.routers import reads_from_replica
from apps.orgs.models import School
from apps.supplies import catalogue, forms, selectors, services
from apps.supplies.selectors import MANAGE, VIEW

PAGE_SIZE = 25
LEDGER_SHOWN = 50
OWN_SHOWN = 50
RENAME = {"school_id": None, "client_id": None, "rows": "file"}


def _language() -> str:
    return get_language() or "zh-hans"


@login_required
@require_GET
@reads_from_replica
def supplies_list(request):
    """The user's schools below their least days of cover, lowest cover first."""
    if not has_org_perm(request.user, VIEW):
        raise Http404
    below = selectors.schools_below(user=request.user)
    page = Paginator(below, PAGE_SIZE).get_page(request.GET.get("page"))
    own = list(selectors.schools_seen(user=request.user)[:OWN_SHOWN + 1])
    return render(request, "supplies/list.html", {
        "page": page, "below_count": len(below), "language": _language(),
        "rows": selectors.schools_below_detail(ids=[pk for pk, _w in page.object_list]),
        "own": own[:OWN_SHOWN], "own_more": len(own) > OWN_SHOWN})


def _chart(school, rows, language: str) -> dict:
    """Days of cover per item over the last 30 days (the daily snapshots, today live)."""
    today = timezone.localdate()
    trend = selectors.cover_trend(school=school, today=today)
    days = [d for d in trend["days"] if d != today] + [today]
    live = {row.item: row.days for row in rows}
    datasets = []
    for item in catalogue.items():
        kept = trend["items"].get(item.key, {})
        values = [kept.get(d) for d in days[:-1]] + [live.get(item.key)]
        datasets.append({"label": item.name(language),
                         "values": [None if v is None else round(v, 1) for v in values]})
    least = next((row.min_days for row in rows if row.min_days is not None), None)
    if least is not None:
        datasets.append({"label": _("Least days of cover"), "values": [least] * len(days)})
    return {"cover": {"labels": [d.strftime("%m-%d") for d in days],
                      "title": _("Days of cover"), "datasets": datasets}}


def _school_context(request, school, **forms_given) -> dict:
    language = _language()
    rows = selectors.school_cover(school=school)
    manage = School.objects.restrict(request.user, MANAGE).filter(pk=school.pk).exists()
    return {
        "school": school, "rows": rows, "language": language, "manage": manage,
        "least": next((r.min_days for r in rows if r.min_days is not None), None),
        "history_days": selectors.HISTORY_DAYS,
        "below": [r for r in rows if r.below],
        "ledger": list(selectors.movements(school=school)[:LEDGER_SHOWN]),
        "movement_form": forms_given.get("movement") or (forms.MovementForm() if manage else None),
        "import_form": forms_given.get("counts") or (forms.CountsImportForm() if manage else None),
        "chart_data": _chart(school, rows, language),
        "names": {i.key: i.name(language) for i in catalogue.items()},
        "units": {i.key: i.unit(language) for i in catalogue.items()},
    }


@login_required
@require_GET
def school(request, school_id: int):
    found = selectors.school_get(user=request.user, school_id=school_id)
    return render(request, "supplies/school.html", _school_context(request, found))


def _post(request, school_id: int, key: str, form, call, done: str):
    found = selectors.school_get(user=request.user, school_id=school_id, perm=MANAGE)
    return form_submit(
        request, form=form, call=call, done=done, rename=RENAME,
        success_url=reverse("supplies:school", args=[found.pk]),
        page=lambda f: render(request, "supplies/school.html",
                              _school_context(request, found, **{key: f})))


@login_required
@require_POST
def record(request, school_id: int):
    """One movement: received, used, transferred out, expired, or a count."""
    return _post(request, school_id, "movement", forms.MovementForm(request.POST),
                 lambda d: services.movement_record(
                     actor=request.user, school_id=school_id, item=d["item"], kind=d["kind"],
                     quantity=d["quantity"], day=d["day"], note=d["note"],
                     client_id=d["client_id"]), _("The movement was recorded."))


@login_required
@require_POST
def counts_import(request, school_id: int):
    """The office's stocktake workbook: every row a count, all or nothing."""
    form = forms.CountsImportForm(request.POST, request.FILES)
    return _post(request, school_id, "counts", form, lambda d: services.counts_import(
        actor=request.user, school_id=school_id, data=d["file"].read(),
        client_id=d["client_id"]), _("The stocktake was imported."))


@login_required
@require_GET
def stock_xlsx(request, school_id: int):
    """The school's stock and cover as a workbook (its output is logged)."""
    from apps.access.audit import access_output
    from apps.core.sheets import Sheet, meta_lines, xlsx_response

    found = selectors.school_get(user=request.user, school_id=school_id)
    language = _language()
    rows = [[catalogue.get(r.item).name(language) if catalogue.get(r.item) else r.item,
             catalogue.get(r.item).unit(language) if catalogue.get(r.item) else "", r.stock,
             round(r.daily_use, 2), None if r.days is None else round(r.days, 1),
             r.min_days, r.shortfall, r.reorder]
            for r in selectors.school_cover(school=found)]
    access_output(request=request, output="xlsx", obj=found,
                  fields="item,stock,daily_use,days_cover,shortfall,reorder", rows=len(rows),
                  reason="supplies stock")
    headers = [pgettext("supplies", "Item"), pgettext("supplies", "Unit"), _("Stock"),
               _("Daily use"), _("Days of cover"), _("Least days of cover"), _("Shortfall"),
               _("Reorder")]
    meta = [(_("School"), found.name), (_("Day"), timezone.localdate().isoformat())]
    return xlsx_response(filename=f"supplies-{found.pk}", sheets=[Sheet(
        _("Supplies"), headers, rows, widths=(18, 8, 10, 10, 12, 12, 10, 10),
        lead=meta_lines(meta))])
