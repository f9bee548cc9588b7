"""GB/T 2260 regions: public reference data for any signed-in user (the API's own auth)."""

from datetime import date

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import paginate

from apps.core.pagination import CappedPageNumberPagination
from apps.regions import selectors
from apps.regions.models import Region, RegionLevel

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    full_name: str
    level: str
    kind: str
    parent_code: str | None
    valid_from: date | None
    valid_to: date | None
    successor_code: str | None
    note: str

    @staticmethod
    def resolve_parent_code(obj: Region) -> str | None:
        return obj.parent_id

    @staticmethod
    def resolve_successor_code(obj: Region) -> str | None:
        return obj.successor_id


def _region_or_404(code: str) -> Region:
    region = selectors.region_get(code)
    if region is None:
        raise Http404
    return region


@router.get("", response=list[RegionOut], summary="Regions, filtered by parent, name or level")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def region_list(request, parent: str | None = None, q: str | None = None,
                level: RegionLevel | None = None):
    regions = Region.objects.order_by("code")
    if parent:
        regions = regions.filter(parent_id=selectors.normalize_code(parent) or parent)
    if level:
        regions = regions.filter(level=level)
    if q:
        text = selectors.normalize_region_text(q)
        regions = regions.filter(Q(full_name__contains=text) | Q(code__startswith=text))
    return regions


@router.get("/{code}", response=RegionOut, summary="One region, current or abolished")
def region_detail(request, code: str):
    return _region_or_404(code)


@router.get("/{code}/children", response=list[RegionOut], summary="The regions directly below")
def region_children(request, code: str):
    return list(selectors.region_children(_region_or_404(code).code))
