"""Follow-ups API (/followups under /api/v1): list (scoped, filters), one, counts, complete,
reassign. Out of scope is a 404; the person is shown with masked data only."""

from datetime import datetime

from django.conf import settings
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.followups import selectors, services

router = Router(tags=["follow-ups"])


class FollowUpPersonOut(Schema):
    id: int
    name: str
    number: str
    klass: str | None = Field(None, description="class name")
    doc_masked: str

    @staticmethod
    def resolve_klass(obj):
        return obj.klass.name if obj.klass_id else None


class FollowUpOut(Schema):
    id: int
    school_id: int
    person: FollowUpPersonOut
    kind: str = Field(..., description="trace_back, recheck, absence_cause, return_check, other")
    source: str
    title: str = Field(..., description="in the reader's language")
    detail: dict
    assignee_id: int | None
    due_at: datetime | None
    status: str
    overdue: bool
    drill: bool
    created_at: datetime
    done_at: datetime | None
    outcome: str


class CountsOut(Schema):
    by_kind: dict[str, dict[str, int]]
    total: dict[str, int]


class FollowUpCompleteIn(Schema):
    outcome: str = Field(..., description="what was found or done; required")


class ReassignIn(Schema):
    assignee_id: Id


@router.get("", response=list[FollowUpOut], summary="Follow-ups in my scope")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def followups_list(request, status: str = "open", kind: str = "", mine: bool = False,
                   overdue: bool = False, school_id: Id | None = None):
    return selectors.followup_list(user=request.user, status=status, kind=kind, mine=mine,
                                   overdue=overdue, school_id=school_id)


@router.get("/counts", response=CountsOut, summary="Open, done and overdue per kind")
def followups_counts(request, school_id: Id | None = None):
    return selectors.followup_counts(
        selectors.followup_list(user=request.user, status="", school_id=school_id))


@router.get("/{followup_id}", response=FollowUpOut, summary="One follow-up")
def followups_get(request, followup_id: Id):
    return selectors.followup_get(user=request.user, pk=followup_id)


@router.post("/{followup_id}/complete", response=FollowUpOut,
             summary="Complete a follow-up with its outcome (a repeat is harmless)")
def followups_complete(request, followup_id: Id, payload: FollowUpCompleteIn):
    selectors.followup_get(user=request.user, pk=followup_id, perm="followups.complete")
    services.followup_complete(actor=request.user, followup_id=followup_id,
                               outcome=payload.outcome)
    return selectors.followup_get(user=request.user, pk=followup_id)


@router.post("/{followup_id}/reassign", response=FollowUpOut,
             summary="Give a follow-up to another responsible person (school admin)")
def followups_reassign(request, followup_id: Id, payload: ReassignIn):
    selectors.followup_get(user=request.user, pk=followup_id, perm="followups.assign")
    services.followup_reassign(actor=request.user, followup_id=followup_id,
                               assignee_id=payload.assignee_id)
    return selectors.followup_get(user=request.user, pk=followup_id)
