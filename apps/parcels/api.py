"""The delivery point over the API (/parcels): a school's batches of a day, one batch, a batch
received (idempotent by client id), disinfected by a named staff member, placed for pickup."""

from datetime import date, datetime

from django.conf import settings
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Count, Id
from apps.parcels import selectors, services

router = Router(tags=["parcels"])


class ParcelBatchIn(Schema):
    school_id: Id
    count: Count = Field(description="parcels in the batch, 1 to 10000")
    received_at: datetime | None = Field(None, description="empty: now")
    courier: str = Field("", max_length=100)
    note: str = Field("", max_length=200)
    client_id: str = Field("", max_length=64,
                           description="the client's key: the same key again returns the "
                                       "same batch")


class ParcelDisinfectIn(Schema):
    person_id: Id = Field(description="a staff member of the batch's school")
    at: datetime | None = Field(None, description="empty: now")


class ParcelBatchOut(Schema):
    id: int
    school_id: int
    received_at: datetime
    count: int
    courier: str
    note: str
    disinfected_at: datetime | None
    disinfected_by_id: int | None
    placed_at: datetime | None
    state: str
    photo_ids: list[int]

    @staticmethod
    def resolve_photo_ids(obj) -> list[int]:
        return [p.pk for p in obj.photos.all()]


@router.get("", response=list[ParcelBatchOut],
            summary="Batches in the caller's scope, latest first (a school's, a day's)")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def parcels_list(request, school_id: Id | None = None, day: date | None = None):
    return selectors.batches(user=request.user, school_id=school_id,
                             day=day).prefetch_related("photos")


@router.post("", response={201: ParcelBatchOut}, summary="A batch left at the delivery point")
def parcels_receive(request, payload: ParcelBatchIn):
    batch = services.batch_receive(actor=request.user, school_id=payload.school_id,
                                   count=payload.count, received_at=payload.received_at,
                                   courier=payload.courier, note=payload.note,
                                   client_id=payload.client_id)
    return Status(201, selectors.batch_get(user=request.user, pk=batch.pk))


@router.get("/{batch_id}", response=ParcelBatchOut, summary="One batch")
def parcels_get(request, batch_id: Id):
    return selectors.batch_get(user=request.user, pk=batch_id)


@router.post("/{batch_id}/disinfect", response=ParcelBatchOut,
             summary="The batch was disinfected by a staff member of its school")
def parcels_disinfect(request, batch_id: Id, payload: ParcelDisinfectIn):
    services.batch_disinfect(actor=request.user, batch_id=batch_id, person_id=payload.person_id,
                             at=payload.at)
    return selectors.batch_get(user=request.user, pk=batch_id)


@router.post("/{batch_id}/place", response=ParcelBatchOut,
             summary="The disinfected batch is placed for pickup")
def parcels_place(request, batch_id: Id):
    services.batch_place(actor=request.user, batch_id=batch_id)
    return selectors.batch_get(user=request.user, pk=batch_id)
