"""Case reports and triggers in the API (/api/v1/emergency): an integration posts the health
commission's reports; a school reads and answers its triggers; a bureau reads an alert."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Count, Id
from apps.emergency import reports, response, selectors

router = Router(tags=["emergency"])


class CaseReportIn(Schema):
    region: str = Field(..., description="a county or city: GB/T 2260 code or name")
    sub_area: str = ""
    reported_on: date
    cases: Count = 1
    source: str = Field(..., description="the health commission's notice")
    client_id: str = Field("", description="repeat it on a retry: the report is saved once")


class CaseReportOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    sub_area: str
    reported_on: date
    cases: int
    source: str
    status: str
    entered_at: datetime
    alert_id: int | None


class ChangeIn(Schema):
    reason: str
    cases: Count | None = None
    sub_area: str | None = None
    source: str | None = None


class TriggerOut(Schema):
    id: int
    school_id: int
    alert_id: int
    region: str
    kind: str
    fired_at: datetime
    deadline: datetime
    state: str = Field(..., description="waiting, late, on_time or ack_late")
    acknowledged_at: datetime | None
    mode_decision: str
    first_action_at: datetime | None
    traced_at: datetime | None
    traced_count: int
    traceback_completed_at: datetime | None
    drill: bool

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.alert.region_id

    @staticmethod
    def resolve_state(obj) -> str:
        return selectors.trigger_state(obj, timezone.now())


class DecideIn(Schema):
    mode: str
    reason: str = ""


class TracedPersonOut(Schema):
    person_id: int
    name: str
    klass: str | None
    links: list[str]
    followup_status: str | None
    assignee: str | None


@router.post("/case-reports", response={201: CaseReportOut})
def case_report_create(request, payload: CaseReportIn):
    return Status(201, reports.case_report_enter(actor=request.user, **payload.dict()))


@router.post("/case-reports/{report_id}/correct", response=CaseReportOut)
def case_report_correct(request, report_id: Id, payload: ChangeIn):
    return reports.case_report_correct(actor=request.user, report_id=report_id, **payload.dict())


@router.post("/case-reports/{report_id}/withdraw", response=CaseReportOut)
def case_report_withdraw(request, report_id: Id, payload: ChangeIn):
    return reports.case_report_withdraw(actor=request.user, report_id=report_id,
                                        reason=payload.reason)


@router.get("/triggers", response=list[TriggerOut])
@paginate(CappedPageNumberPagination)
def trigger_list(request, alert_id: Id | None = None):
    triggers = selectors.trigger_list(user=request.user)
    return triggers.filter(alert_id=alert_id) if alert_id else triggers


@router.get("/triggers/{trigger_id}", response=TriggerOut)
def trigger_get(request, trigger_id: Id):
    return selectors.trigger_get(user=request.user, pk=trigger_id)


@router.post("/triggers/{trigger_id}/acknowledge", response=TriggerOut)
def trigger_acknowledge(request, trigger_id: Id):
    response.trigger_acknowledge(actor=request.user, trigger_id=trigger_id)
    return selectors.trigger_get(user=request.user, pk=trigger_id)


@router.post("/triggers/{trigger_id}/decide", response=TriggerOut)
def trigger_decide(request, trigger_id: Id, payload: DecideIn):
    response.trigger_decide_mode(actor=request.user, trigger_id=trigger_id, **payload.dict())
    return selectors.trigger_get(user=request.user, pk=trigger_id)


@router.get("/triggers/{trigger_id}/trace", response=list[TracedPersonOut])
def trigger_trace(request, trigger_id: Id):
    trigger = selectors.trigger_get(user=request.user, pk=trigger_id)
    return [
        TracedPersonOut(
            person_id=e["person"].pk, name=e["person"].name,
            klass=e["person"].klass.name if e["person"].klass else None,
            links=[h.link for h in e["links"]],
            followup_status=e["followup"].status if e["followup"] else None,
            assignee=(e["followup"].assignee.username
                      if e["followup"] and e["followup"].assignee else None),
        )
        for e in selectors.trace_list(user=request.user, trigger=trigger)
    ]
