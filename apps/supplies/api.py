"""Supplies over the API (/supplies): the catalogue; a school's cover of each item; its
ledger, and a movement recorded (idempotent by `client_id`); the caller's schools below
their least days of cover. Stocktake workbooks are imported through the pages."""

from datetime import date, datetime

from django.conf import settings
from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.access.rules import has_org_perm
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Count, Id
from apps.supplies import catalogue, selectors, services
from apps.supplies.models import MovementKind

router = Router(tags=["supplies"])


class SuppliesItemOut(Schema):
    key: str
    zh: str
    en: str
    unit_zh: str
    unit_en: str
    norm: float = Field(description="use per person per day, assumed with no recorded use")
    aliases: list[str]


class SuppliesCoverOut(Schema):
    school_id: int
    item: str
    stock: int
    daily_use: float
    from_history: bool = Field(description="daily use from recorded use (else the norm)")
    days: float | None = Field(description="days of cover; none when nothing is used")
    min_days: int | None = Field(description="the school's supplies_min_days_cover")
    below: bool
    shortfall: int
    reorder: int


class SuppliesMovementIn(Schema):
    item: str = Field(max_length=40)
    kind: MovementKind
    quantity: Count
    day: date | None = None
    note: str = Field("", max_length=200)
    client_id: str = Field("", max_length=64, description="the client's idempotency key")


class SuppliesMovementOut(Schema):
    id: int
    school_id: int
    item: str
    kind: str
    quantity: int
    level_after: int
    day: date
    note: str
    client_id: str
    actor_id: int | None
    at: datetime


class SuppliesBelowOut(Schema):
    school_id: int
    school_name: str
    items: list[SuppliesCoverOut]


def _cover(row) -> dict:
    return {"school_id": row.school_id, "item": row.item, "stock": row.stock,
            "daily_use": row.daily_use, "from_history": row.from_history, "days": row.days,
            "min_days": row.min_days, "below": row.below, "shortfall": row.shortfall,
            "reorder": row.reorder}


@router.get("/items", response=list[SuppliesItemOut], summary="The supplies catalogue")
def supplies_items(request):
    return [vars(item) for item in catalogue.items()]


@router.get("/schools/{school_id}/cover", response=list[SuppliesCoverOut],
            summary="A school's stock, daily use and days of cover of each item")
def supplies_school_cover(request, school_id: Id):
    school = selectors.school_get(user=request.user, school_id=school_id)
    return [_cover(row) for row in selectors.school_cover(school=school)]


@router.get("/schools/{school_id}/movements", response=list[SuppliesMovementOut],
            summary="A school's ledger, newest first")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def supplies_movements(request, school_id: Id, item: str = ""):
    school = selectors.school_get(user=request.user, school_id=school_id)
    return selectors.movements(school=school, item=item[:40])


@router.post("/schools/{school_id}/movements", response={201: SuppliesMovementOut},
             summary="Record a movement (received, used, transferred, expired, counted)")
def supplies_movement_record(request, school_id: Id, payload: SuppliesMovementIn):
    selectors.school_get(user=request.user, school_id=school_id)
    movement = services.movement_record(
        actor=request.user, school_id=school_id, item=payload.item, kind=payload.kind,
        quantity=payload.quantity, day=payload.day, note=payload.note,
        client_id=payload.client_id)
    return Status(201, movement)


@router.get("/below", response=list[SuppliesBelowOut],
            summary="The caller's schools below their least days of cover, lowest first")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def supplies_below(request):
    if not has_org_perm(request.user, selectors.VIEW):
        raise Http404
    return _BelowPages(selectors.schools_below(user=request.user))


class _BelowPages:
    """The ranked ids, with only the page asked for read in detail."""

    def __init__(self, ranked):
        self.ranked = ranked

    def __len__(self):
        return len(self.ranked)

    def count(self):
        return len(self.ranked)

    def __getitem__(self, index):
        ids = [pk for pk, _w in self.ranked[index]]
        return [{"school_id": found.school.pk, "school_name": found.school.name,
                 "items": [_cover(row) for row in found.items]}
                for found in selectors.schools_below_detail(ids=ids)]
