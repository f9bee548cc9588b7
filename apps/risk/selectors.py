"""Reads of risk-area designations. They are public within the system: every organisational
role sees all of them ("risk.view"); what a user may change is narrower (models.py)."""

from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.regions.selectors import normalize_code
from apps.risk.models import RiskArea, region_within_any


def in_force_q(on: date) -> Q:
    """Designations in force on a day: started, and not ended before it (`end` is the last
    day in force)."""
    return Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on))


def risk_areas_in_force(on: date) -> QuerySet[RiskArea]:
    return RiskArea.objects.filter(in_force_q(on)).select_related("region")


def risk_areas_for_region(code: str) -> QuerySet[RiskArea]:
    """Every designation of the region, of a place inside it, or of a region it lies in
    (a designation of 上海市 covers 浦东新区), newest first."""
    from apps.regions.selectors import region_ancestor_codes

    code = normalize_code(code) or code
    around = Q(region_id__in=region_ancestor_codes(code)) | region_within_any([code])
    return RiskArea.objects.filter(around).select_related("region").order_by("-start", "pk")


def risk_area_list(
    *,
    user,
    level: str | None = None,
    region_code: str | None = None,
    in_force_on: date | None = None,
    lifted: bool | None = None,
) -> QuerySet[RiskArea]:
    """Designations the user may see, filtered; `region_code` keeps those inside it."""
    areas = RiskArea.objects.restrict(user, "risk.view").select_related("region")
    if level:
        areas = areas.filter(level=level)
    if region_code:
        areas = areas.filter(region_within_any([normalize_code(region_code) or region_code]))
    if in_force_on:
        areas = areas.filter(in_force_q(in_force_on))
    if lifted is not None:
        areas = areas.filter(lifted_at__isnull=not lifted)
    return areas.order_by("-start", "region_id", "pk")


def risk_area_get(*, user, pk: int, perm: str = "risk.view") -> RiskArea:
    areas = RiskArea.objects.restrict(user, perm).select_related(
        "region", "created_by", "lifted_by")
    return get_object_or_404(areas, pk=pk)


def risk_area_history(area: RiskArea):
    """Every recorded version, newest first, with who made it."""
    return area.history.select_related("history_user").order_by("-history_date", "-history_id")


def risk_area_progress(area: RiskArea):
    """The bar of the recompute the area's last change (designated, changed, lifted, or
    imported with others) started in the worker; None once it is an hour old."""
    from django.utils.translation import gettext as _

    from apps.status.progress import recompute_progress

    last = risk_area_history(area).values_list("history_date", flat=True).first()
    return recompute_progress(
        "recompute_for_risk_change", since=last, match=lambda args: area.pk in args[0],
        running=_("Recomputing the statuses of the people this designation may concern."))
