"""Declarations of a person (/persons/{id}/trips, /persons/{id}/exposures): declare, list,
withdraw. Declaring needs "travel.declare" on the person, reading "travel.view"; anything
out of scope is a 404."""

from datetime import date, datetime

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.access.audit import access_view
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.people.models import Person
from apps.people.selectors import person_get
from apps.travel import selectors, services

router = Router(tags=["declarations"])


class LegIn(Schema):
    from_region: str = Field(..., description="a GB/T 2260 code or a name with context")
    to_region: str
    depart: date
    arrive: date
    transport: str = Field(..., description="train, flight, car, bus, ship or other")
    number: str = ""


class TripIn(Schema):
    legs: list[LegIn]
    household_member_id: Id | None = Field(None, description="a co-resident's trip")
    client_id: str = Field("", description="repeat it on a retry: the trip is saved once")


class LegOut(Schema):
    id: int
    person_id: int
    household_member_id: int | None
    from_region: str = Field(..., alias="from_region_id")
    to_region: str = Field(..., alias="to_region_id")
    depart: date
    arrive: date
    transport: str
    number: str
    leg_no: int
    client_id: str
    declared_at: datetime


class ExposureIn(Schema):
    kind: str = Field(..., description="case, close_contact or risk_area_person")
    on: date
    region: str | None = None
    detail: str = ""
    client_id: str = ""


class ExposureOut(Schema):
    id: int
    person_id: int
    kind: str
    on: date
    region: str | None = Field(None, alias="region_id")
    detail: str
    client_id: str
    declared_at: datetime


class WithdrawIn(Schema):
    reason: str


def _person(person_id: int) -> Person:
    # The services check the actor's scope ("travel.declare") and answer 404 outside it.
    return get_object_or_404(Person, pk=person_id)


@router.post("/persons/{person_id}/trips", response={201: list[LegOut]},
             summary="Declare a trip of one or more legs")
def trips_declare(request, person_id: Id, payload: TripIn):
    legs = services.trip_declare(
        actor=request.user, person=_person(person_id),
        legs=[leg.model_dump() for leg in payload.legs],
        household_member=payload.household_member_id, client_id=payload.client_id)
    return Status(201, legs)


@router.get("/persons/{person_id}/trips", response=list[LegOut], summary="A person's trips")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def trips_list(request, person_id: Id):
    person = person_get(user=request.user, pk=person_id, perm="travel.view")
    access_view(request=request, action="view_travel", obj=person, fields="trips")
    return selectors.person_trips(user=request.user, person=person)


@router.post("/persons/{person_id}/trips/{leg_id}/withdraw", response={204: None},
             summary="Withdraw a wrong trip leg (recorded)")
def trips_withdraw(request, person_id: Id, leg_id: Id, payload: WithdrawIn):
    person = person_get(user=request.user, pk=person_id, perm="travel.declare")
    leg = selectors.trip_leg_get(user=request.user, person=person, pk=leg_id,
                                 perm="travel.declare")
    services.trip_leg_withdraw(actor=request.user, leg=leg, reason=payload.reason)
    return Status(204, None)


@router.post("/persons/{person_id}/exposures", response={201: ExposureOut},
             summary="Declare a contact (报备)")
def exposures_declare(request, person_id: Id, payload: ExposureIn):
    exposure = services.exposure_declare(
        actor=request.user, person=_person(person_id), kind=payload.kind, on=payload.on,
        region_code=payload.region, detail=payload.detail, client_id=payload.client_id)
    return Status(201, exposure)


@router.get("/persons/{person_id}/exposures", response=list[ExposureOut],
            summary="A person's declared contacts")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def exposures_list(request, person_id: Id):
    person = person_get(user=request.user, pk=person_id, perm="travel.view")
    return selectors.person_exposures(user=request.user, person=person)


@router.post("/persons/{person_id}/exposures/{exposure_id}/withdraw", response={204: None},
             summary="Withdraw a wrong contact declaration (recorded)")
def exposures_withdraw(request, person_id: Id, exposure_id: Id, payload: WithdrawIn):
    person = person_get(user=request.user, pk=person_id, perm="travel.declare")
    exposure = selectors.exposure_get(user=request.user, person=person, pk=exposure_id,
                                      perm="travel.declare")
    services.exposure_withdraw(actor=request.user, exposure=exposure, reason=payload.reason)
    return Status(204, None)
