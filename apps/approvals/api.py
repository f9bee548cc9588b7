"""Approvals over the API (/approvals): a person asks for themselves (idempotent by
client_id), the level the request waits for approves or refuses it with a reason, the person
withdraws it; everyone lists the requests of their scope (or those waiting for them)."""

from datetime import date, datetime

from django.conf import settings
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.approvals import selectors, services
from apps.approvals.models import Kind, State
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Count, Id

router = Router(tags=["approvals"])


class ApprovalIn(Schema):
    kind: Kind
    title: str = Field(max_length=200, description="the purpose")
    starts_on: date
    ends_on: date
    client_id: str = Field("", max_length=64,
                           description="the same id again returns the request it made")
    destination: str = Field("", max_length=60,
                             description="a trip's destination in another province, name or code")
    participants: Count | None = None
    venue: str = Field("", max_length=200)
    online_considered: bool = False
    why_offline: str = Field("", max_length=200)
    visitor_name: str = Field("", max_length=100)
    visitor_org: str = Field("", max_length=100)


class ApprovalDecideIn(Schema):
    approve: bool
    reason: str = Field("", max_length=200, description="needed when refusing")


class ApprovalWithdrawIn(Schema):
    reason: str = Field("", max_length=200)


class ApprovalOut(Schema):
    id: int
    school_id: int
    person_id: int
    person_name: str = Field(alias="person.name")
    kind: str
    state: str
    approver: str
    title: str
    starts_on: date
    ends_on: date
    destination: str | None = Field(None, alias="destination_id")
    participants: int | None
    venue: str
    online_considered: bool
    why_offline: str
    visitor_name: str
    visitor_org: str
    created_at: datetime
    due_at: datetime
    decided_at: datetime | None
    decision_reason: str


@router.get("", response=list[ApprovalOut],
            summary="Requests the caller sees (own and in scope), or those waiting for them")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def approvals_list(request, state: State | None = None, kind: Kind | None = None,
                   to_decide: bool = False):
    if to_decide:
        found = selectors.to_decide(user=request.user, state=state or "")
        return found.filter(kind=kind) if kind else found
    return selectors.request_list(user=request.user, state=state or "", kind=kind or "")


@router.post("", response={201: ApprovalOut},
             summary="Ask for an approval for oneself (the same client_id: the same request)")
def approvals_request(request, payload: ApprovalIn):
    made = services.approval_request(actor=request.user, **payload.dict())
    return Status(201, selectors.request_get(user=request.user, pk=made.pk))


@router.get("/{approval_id}", response=ApprovalOut, summary="One request")
def approvals_get(request, approval_id: Id):
    return selectors.request_get(user=request.user, pk=approval_id)


@router.post("/{approval_id}/decide", response=ApprovalOut,
             summary="The approver approves or refuses (with a reason); again: no change")
def approvals_decide(request, approval_id: Id, payload: ApprovalDecideIn):
    services.approval_decide(actor=request.user, approval_id=approval_id,
                             approve=payload.approve, reason=payload.reason)
    return selectors.request_get(user=request.user, pk=approval_id)


@router.post("/{approval_id}/withdraw", response=ApprovalOut,
             summary="The requester withdraws a request")
def approvals_withdraw(request, approval_id: Id, payload: ApprovalWithdrawIn):
    services.approval_withdraw(actor=request.user, approval_id=approval_id,
                               reason=payload.reason)
    return selectors.request_get(user=request.user, pk=approval_id)
