"""Disinfection and ventilation over the API (/disinfection): a school's areas with when each
is due, areas added, entries recorded by a named staff member (idempotent by client id), the
entries of a day, and the caller's overdue items."""

from datetime import date, datetime

from django.conf import settings
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.disinfection import selectors, services
from apps.disinfection.models import AreaKind, EntryKind

router = Router(tags=["disinfection"])


class DisinfectionAreaIn(Schema):
    school_id: Id
    kind: AreaKind
    name: str = Field(max_length=100)
    on_duty_id: Id | None = Field(None, description="someone of the school with an account")


class DisinfectionAreaOut(Schema):
    id: int
    school_id: int
    kind: str
    name: str
    on_duty_id: int | None
    last_disinfection_at: datetime | None
    last_ventilation_at: datetime | None
    disinfection_due_at: datetime | None
    ventilation_due_at: datetime | None


class DisinfectionEntryIn(Schema):
    area_id: Id
    kind: EntryKind
    person_id: Id = Field(description="a staff member of the area's school")
    done_at: datetime | None = Field(None, description="empty: now")
    note: str = Field("", max_length=200)
    client_id: str = Field("", max_length=64,
                           description="the client's key: the same key again returns the "
                                       "same entry")


class DisinfectionEntryOut(Schema):
    id: int
    school_id: int
    area_id: int
    kind: str
    done_at: datetime
    done_by_id: int
    note: str


class DisinfectionOverdueOut(Schema):
    area_id: int = Field(alias="area.id")
    school_id: int = Field(alias="area.school_id")
    area_name: str = Field(alias="area.name")
    kind: str
    due_at: datetime


class DisinfectionOverdueListOut(Schema):
    count: int
    items: list[DisinfectionOverdueOut]


@router.get("/areas", response=list[DisinfectionAreaOut],
            summary="Areas in the caller's scope (a school's) with when each is due")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def disinfection_areas(request, school_id: Id | None = None):
    return selectors.areas(user=request.user, school_id=school_id)


@router.post("/areas", response={201: DisinfectionAreaOut}, summary="An area of a school")
def disinfection_area_create(request, payload: DisinfectionAreaIn):
    area = services.area_create(actor=request.user, school_id=payload.school_id,
                                kind=payload.kind, name=payload.name,
                                on_duty_id=payload.on_duty_id)
    return Status(201, selectors.area_get(user=request.user, pk=area.pk))


@router.get("/entries", response=list[DisinfectionEntryOut],
            summary="Entries in the caller's scope, latest first (a school's, a day's)")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def disinfection_entries(request, school_id: Id | None = None, day: date | None = None):
    return selectors.entries(user=request.user, school_id=school_id, day=day)


@router.post("/entries", response={201: DisinfectionEntryOut},
             summary="An area disinfected or ventilated by a staff member")
def disinfection_entry_record(request, payload: DisinfectionEntryIn):
    entry = services.entry_record(actor=request.user, area_id=payload.area_id,
                                  kind=payload.kind, person_id=payload.person_id,
                                  done_at=payload.done_at, note=payload.note,
                                  client_id=payload.client_id)
    return Status(201, entry)


@router.get("/overdue", response=DisinfectionOverdueListOut,
            summary="The caller's overdue areas (the first ten, most late first) and how many")
def disinfection_overdue(request):
    shown, count = selectors.overdue(user=request.user)
    return {"count": count, "items": shown}
