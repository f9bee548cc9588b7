"""Isolation over the API (/isolation): a school's rooms with their occupancy; isolations in
the caller's scope (opened, extended and closed by the school's epidemic office, idempotent
by client id); the day's care visit, a referral to psychological support and its follow-up,
and a student's online study, by the staff who look after the person. Reading an isolation
is a look at health data, recorded in the access log."""

from datetime import date, datetime

from django.conf import settings
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.access.audit import access_view
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.isolation import selectors, services
from apps.isolation.models import Health, Meals, Mood, Place, ReferralState, Study

router = Router(tags=["isolation"])


class IsolationRoomIn(Schema):
    school_id: Id
    name: str = Field(max_length=60)
    capacity: int = Field(ge=1, le=services.MAX_CAPACITY)
    note: str = Field("", max_length=200)
    active: bool = True


class IsolationRoomOut(Schema):
    id: int
    school_id: int
    name: str
    capacity: int
    occupied: int
    note: str
    active: bool


class IsolationIn(Schema):
    person_id: Id
    place_kind: Place
    start: date
    planned_end: date
    reason: str = Field(max_length=200, description="why, e.g. the status that requires it")
    place: str = Field("", max_length=200, description="address or facility (centralised)")
    room_id: Id | None = Field(None, description="the isolation room (on campus)")
    client_id: str = Field("", max_length=64,
                           description="the client's key: the same key again returns the same "
                                       "isolation")


class IsolationExtendIn(Schema):
    planned_end: date
    reason: str = Field(max_length=200)


class IsolationCloseIn(Schema):
    released_on: date | None = None
    note: str = Field("", max_length=200)


class IsolationOut(Schema):
    id: int
    school_id: int
    person_id: int
    person_name: str = Field(alias="person.name")
    place_kind: str
    room_id: int | None
    place: str
    start: date
    planned_end: date
    ended_on: date | None
    reason: str
    status_category: str
    status_change_id: int | None


class IsolationCareIn(Schema):
    health: Health
    meals: Meals
    study: Study
    mood: Mood
    note: str = Field("", max_length=500)
    day: date | None = None


class IsolationCareOut(Schema):
    id: int
    isolation_id: int
    day: date
    visitor_id: int | None
    at: datetime
    health: str
    meals: str
    study: str
    mood: str
    note: str


class IsolationReferralIn(Schema):
    to_whom: str = Field(max_length=100)
    reason: str = Field(max_length=500)


class IsolationReferralUpdateIn(Schema):
    state: ReferralState
    follow_up: str = Field("", max_length=500)


class IsolationReferralOut(Schema):
    id: int
    isolation_id: int
    to_whom: str
    reason: str
    state: str
    follow_up: str
    referred_by_id: int | None
    referred_at: datetime


class IsolationStudyIn(Schema):
    platform: str = Field(max_length=100)
    teacher: str = Field(max_length=100)
    note: str = Field("", max_length=500)


class IsolationStudyOut(Schema):
    isolation_id: int
    platform: str
    teacher: str
    note: str
    arranged_at: datetime


@router.get("/rooms", response=list[IsolationRoomOut],
            summary="Isolation rooms of the caller's schools, with their occupancy")
def isolation_rooms(request, school_id: Id | None = None):
    return list(selectors.rooms(user=request.user, school_id=school_id))


@router.post("/rooms", response={201: IsolationRoomOut}, summary="Add an isolation room")
def isolation_room_add(request, payload: IsolationRoomIn):
    room = services.room_save(actor=request.user, **payload.dict())
    return Status(201, selectors.rooms(user=request.user).get(pk=room.pk))


@router.get("", response=list[IsolationOut],
            summary="Isolations in the caller's scope, open ones first")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def isolations_list(request, open_only: bool = False, school_id: Id | None = None):
    return selectors.isolation_list(user=request.user, school_id=school_id, open_only=open_only)


@router.post("", response={201: IsolationOut}, summary="Open an isolation")
def isolations_open(request, payload: IsolationIn):
    isolation = services.isolation_open(actor=request.user, **payload.dict())
    return Status(201, selectors.isolation_get(user=request.user, pk=isolation.pk))


@router.get("/{isolation_id}", response=IsolationOut, summary="One isolation")
def isolations_get(request, isolation_id: Id):
    isolation = selectors.isolation_get(user=request.user, pk=isolation_id)
    access_view(request=request, action="view_health", obj=isolation.person, fields="isolation")
    return isolation


@router.post("/{isolation_id}/extend", response=IsolationOut, summary="Extend an isolation")
def isolations_extend(request, isolation_id: Id, payload: IsolationExtendIn):
    services.isolation_extend(actor=request.user, isolation_id=isolation_id, **payload.dict())
    return selectors.isolation_get(user=request.user, pk=isolation_id)


@router.post("/{isolation_id}/close", response=IsolationOut,
             summary="Release the person (close the isolation)")
def isolations_close(request, isolation_id: Id, payload: IsolationCloseIn):
    services.isolation_close(actor=request.user, isolation_id=isolation_id, **payload.dict())
    return selectors.isolation_get(user=request.user, pk=isolation_id)


@router.get("/{isolation_id}/care", response=list[IsolationCareOut],
            summary="The care log of an isolation, latest day first")
def isolations_care_log(request, isolation_id: Id):
    isolation = selectors.isolation_get(user=request.user, pk=isolation_id)
    access_view(request=request, action="view_health", obj=isolation.person, fields="care")
    return list(selectors.visits(isolation))


@router.post("/{isolation_id}/care", response=IsolationCareOut,
             summary="Record the day's care visit (the same day again updates it)")
def isolations_care(request, isolation_id: Id, payload: IsolationCareIn):
    return services.care_visit_record(actor=request.user, isolation_id=isolation_id,
                                      **payload.dict())


@router.post("/{isolation_id}/referrals", response={201: IsolationReferralOut},
             summary="Refer the person to psychological support")
def isolations_refer(request, isolation_id: Id, payload: IsolationReferralIn):
    return Status(201, services.referral_create(actor=request.user, isolation_id=isolation_id,
                                                **payload.dict()))


@router.post("/referrals/{referral_id}", response=IsolationReferralOut,
             summary="Record a referral's follow-up")
def isolations_referral_update(request, referral_id: Id, payload: IsolationReferralUpdateIn):
    return services.referral_update(actor=request.user, referral_id=referral_id,
                                    **payload.dict())


@router.post("/{isolation_id}/online-study", response=IsolationStudyOut,
             summary="Arrange an isolated student's online study")
def isolations_online_study(request, isolation_id: Id, payload: IsolationStudyIn):
    return services.online_study_arrange(actor=request.user, isolation_id=isolation_id,
                                         **payload.dict())
