"""Health API (/health under /api/v1): submit a check-in; a class's roll for a slot; today's
abnormal check-ins. Submitting needs "health.checkin" on the person, reading "health.view";
anything out of scope is a 404."""

import json
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import NinjaJSONEncoder

from apps.access.audit import access_view
from apps.core.crypto import keyed_hash
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.health import conf, selectors, services

router = Router(tags=["daily health"])


class CheckInIn(Schema):
    person_id: Id
    slot: str = Field(..., description="morning, noon or evening (boarders)")
    temperature: str | float = Field(..., description="°C, 34.0 to 43.0", examples=["36.5"])
    symptoms: list[str] = Field(
        [], description="codes: fever, cough, sore_throat, rash, diarrhoea, vomiting, jaundice")
    region: str = Field("", description="where the person is: a GB/T 2260 code or a name")
    household_symptoms: bool | None = Field(
        None, description="day students: does anyone at home have symptoms?")
    household_travel: bool | None = Field(
        None, description="day students: has anyone at home travelled since the last check-in?")
    note: str = ""
    client_id: str = Field(..., description="made by the client; repeat it on a retry",
                           max_length=64)


class CheckInOut(Schema):
    id: int
    person_id: int
    day: str
    slot: str
    temperature: Decimal | None
    symptoms: list[str]
    region: str | None = Field(None, alias="region_id")
    household_symptoms: bool | None
    household_travel: bool | None
    abnormal: bool
    fever: bool
    submitted_as: str
    submitted_at: datetime
    late: bool = Field(False, description="first submitted after the slot was due: accepted, "
                       "counted as late")
    client_id: str
    outcome: str = Field("", description="created, replayed (a retry) or corrected")

    @staticmethod
    def resolve_day(obj) -> str:
        return obj.day.isoformat()


class RollPerson(Schema):
    id: int
    name: str
    number: str
    checked_in_at: datetime | None = None
    temperature: Decimal | None = None
    abnormal: bool = False
    late: bool = False


class RollOut(Schema):
    class_id: int
    day: str
    slot: str
    checked: bool = Field(..., description="whether the school's policy has this check")
    due: datetime
    expected: int
    done: list[RollPerson]
    late: list[RollPerson]
    missing: list[RollPerson]


def _device(request) -> str:
    token = request.headers.get("X-Device-Id", "")[:100]
    return keyed_hash(f"device:{token}") if token else ""


@router.post("/checkins", response={200: CheckInOut, 201: CheckInOut},
             summary="Submit a check-in (a retry with the same client id is answered once)")
def checkin_submit(request, payload: CheckInIn):
    row = services.checkin_submit(
        actor=request.user, person=payload.person_id, slot=payload.slot,
        temperature=payload.temperature, symptoms=payload.symptoms, region=payload.region,
        household_symptoms=payload.household_symptoms,
        household_travel=payload.household_travel, note=payload.note,
        client_id=payload.client_id, device=_device(request))
    # Answered as built: CheckInOut documents it (a test holds the two together), and
    # validating what the service just made cost a tenth of the request.
    body = json.dumps(checkin_body(row), cls=NinjaJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, status=201 if row.outcome == services.CREATED else 200,
                        content_type="application/json; charset=utf-8")


def checkin_body(row) -> dict:
    """A check-in as CheckInOut has it."""
    return {
        "id": row.pk, "person_id": row.person_id, "day": row.day.isoformat(), "slot": row.slot,
        "temperature": row.temperature, "symptoms": row.symptoms, "region": row.region_id,
        "household_symptoms": row.household_symptoms,
        "household_travel": row.household_travel, "abnormal": row.abnormal,
        "fever": row.fever, "submitted_as": row.submitted_as,
        "submitted_at": row.submitted_at, "late": row.late, "client_id": row.client_id,
        "outcome": getattr(row, "outcome", ""),
    }


def _roll_person(row: dict) -> RollPerson:
    return RollPerson(id=row["id"], name=row["name"], number=row["number"],
                      checked_in_at=row.get("c__submitted_at"),
                      temperature=row.get("c__temperature"),
                      abnormal=bool(row.get("c__abnormal")), late=bool(row.get("late")))


@router.get("/classes/{class_id}/roll", response=RollOut,
            summary="A class's roll for a slot today: checked in, late, missing")
def class_roll(request, class_id: Id, slot: str | None = None):
    klass = selectors.class_get(user=request.user, pk=class_id)
    access_view(request=request, action="view_health", obj=klass, fields="checkins")
    now = timezone.now()
    day = timezone.localdate(now)
    slot = slot if slot in conf.SLOTS else conf.current_slot(now)
    roll = selectors.class_roll(user=request.user, klass=klass, day=day, slot=slot, now=now)
    return RollOut(class_id=klass.pk, day=day.isoformat(), slot=slot, checked=roll.checked,
                   due=conf.due_at(day, slot), expected=roll.expected,
                   done=[_roll_person(r) for r in roll.done],
                   late=[_roll_person(r) for r in roll.late],
                   missing=[_roll_person(r) for r in roll.missing])


@router.get("/checkins/abnormal", response=list[CheckInOut],
            summary="Today's abnormal check-ins in the caller's scope")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def abnormal_list(request):
    return selectors.abnormal_checkins(user=request.user, day=timezone.localdate(), limit=None)
