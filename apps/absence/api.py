"""Absence API (/absence under /api/v1): register a sick absence, list absences, record a
cause and a return, list clusters. Registering needs "absence.report" on the person,
following up "absence.followup", reading "absence.view"; out of scope is a 404."""

from datetime import date, datetime

from django.conf import settings
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.absence import selectors, services
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id

router = Router(tags=["sick absence"])


class AbsenceIn(Schema):
    person_id: Id
    first_day: date
    symptoms: list[str] = Field([], description="fever, cough, sore_throat, rash, diarrhoea, "
                                                "vomiting, jaundice")
    diseases: list[str] = Field([], description="ili, hfmd, norovirus, chickenpox, mumps, "
                                                "rubella, measles, scarlet_fever, covid19, other")
    notifiable: bool = False
    temperature: str | None = Field(None, description="°C, 34.0-43.0")
    last_day: date | None = None
    note: str = ""
    client_id: str = Field("", description="repeat it on a retry: the absence is saved once")


class AbsenceOut(Schema):
    id: int
    school_id: int
    person_id: int
    klass_id: int | None
    first_day: date
    last_day: date | None
    symptoms: list[str]
    diseases: list[str]
    notifiable: bool
    temperature: float | None
    reported_as: str
    reported_at: datetime
    cause_due_at: datetime | None
    cause_outcome: str
    cause_diagnosis: str
    returned_on: date | None
    client_id: str


class CauseIn(Schema):
    outcome: str = Field(..., description="infectious, not_infectious or unknown")
    diagnosis: str = ""
    hospital: str = ""
    diseases: list[str] | None = None
    notifiable: bool | None = None


class ReturnIn(Schema):
    returned_on: date
    certificate_seen: bool = False
    note: str = ""


class ClusterOut(Schema):
    id: int
    school_id: int
    group_kind: str
    klass_id: int | None
    dorm_room_id: int | None
    rule: str
    kind: str
    disease: str
    symptoms: list[str]
    case_count: int
    window_start: date
    window_end: date
    reason_zh: str
    reason_en: str
    detected_at: datetime
    report_due: datetime
    status: str
    reported_at: datetime | None
    late: bool

    @staticmethod
    def resolve_late(obj) -> bool:
        return obj.is_late()


@router.post("/absences", response={201: AbsenceOut}, summary="Register a sick absence")
def absences_register(request, payload: AbsenceIn):
    absence = services.absence_register(actor=request.user, **payload.model_dump())
    return Status(201, absence)


@router.get("/absences", response=list[AbsenceOut],
            summary="Sick absences in scope (show: open, cause_overdue, returning_today, all)")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def absences_list(request, show: str = "open"):
    return selectors.absence_list(user=request.user, show=show)


@router.post("/absences/{absence_id}/cause", response=AbsenceOut,
             summary="Record the cause of a sick absence (病因追查)")
def absences_cause(request, absence_id: Id, payload: CauseIn):
    return services.absence_record_cause(actor=request.user, absence_id=absence_id,
                                         **payload.model_dump())


@router.post("/absences/{absence_id}/return", response=AbsenceOut,
             summary="Record the return to school (复课查验)")
def absences_return(request, absence_id: Id, payload: ReturnIn):
    return services.absence_record_return(actor=request.user, absence_id=absence_id,
                                          **payload.model_dump())


@router.get("/clusters", response=list[ClusterOut],
            summary="Cluster alerts in scope (show: open, late; empty: all)")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def clusters_list(request, show: str = ""):
    return selectors.cluster_list(user=request.user, show=show)
