"""Concerns over the API (/concerns): the person under a restriction or their guardian
raises one (idempotent by client id) and reopens it; the school's admin assigns it; the person
it is on answers; everyone lists and reads the concerns in their scope, late ones first."""

from datetime import datetime

from django.conf import settings
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.access.audit import access_view
from apps.concerns import selectors, services
from apps.concerns.models import ConcernCategory, ConcernState
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id

router = Router(tags=["concerns"])


class ConcernIn(Schema):
    person_id: Id = Field(description="oneself, or one's child (guardians)")
    category: ConcernCategory
    text: str = Field(max_length=1000)
    client_id: str = Field("", max_length=64,
                           description="the client's key: the same key again returns the same "
                                       "concern")


class ConcernAssignIn(Schema):
    assignee_id: Id = Field(description="someone of the concern's school with an account")


class ConcernAnswerIn(Schema):
    answer: str = Field(max_length=1000)


class ConcernReopenIn(Schema):
    reason: str = Field(max_length=200)


class ConcernOut(Schema):
    id: int
    school_id: int
    person_id: int
    person_name: str = Field(alias="person.name")
    category: str
    text: str
    state: str
    assignee_id: int | None
    raised_at: datetime
    due_at: datetime
    late: bool
    escalation: int
    answer: str
    answered_at: datetime | None
    reopened: int


@router.get("", response=list[ConcernOut],
            summary="Concerns in the caller's scope (or on the caller), late ones first")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def concerns_list(request, state: ConcernState | None = None, late: bool = False,
                  mine: bool = False):
    return selectors.concern_list(user=request.user, state=state or "", late=late, mine=mine)


@router.post("", response={201: ConcernOut},
             summary="Raise a concern for oneself or one's child under a restriction")
def concerns_raise(request, payload: ConcernIn):
    concern = services.concern_raise(actor=request.user, person_id=payload.person_id,
                                     category=payload.category, text=payload.text,
                                     client_id=payload.client_id)
    return Status(201, selectors.concern_get(user=request.user, pk=concern.pk))


@router.get("/{concern_id}", response=ConcernOut, summary="One concern")
def concerns_get(request, concern_id: Id):
    concern = selectors.concern_get(user=request.user, pk=concern_id)
    if not selectors.is_requester(request.user, concern):
        access_view(request=request, action="view_health", obj=concern.person, fields="concern")
    return concern


@router.post("/{concern_id}/assign", response=ConcernOut,
             summary="The school's admin names who answers")
def concerns_assign(request, concern_id: Id, payload: ConcernAssignIn):
    services.concern_assign(actor=request.user, concern_id=concern_id,
                            assignee_id=payload.assignee_id)
    return selectors.concern_get(user=request.user, pk=concern_id)


@router.post("/{concern_id}/answer", response=ConcernOut,
             summary="The person it is on (or the school's admin) answers and closes it")
def concerns_answer(request, concern_id: Id, payload: ConcernAnswerIn):
    services.concern_answer(actor=request.user, concern_id=concern_id, answer=payload.answer)
    return selectors.concern_get(user=request.user, pk=concern_id)


@router.post("/{concern_id}/reopen", response=ConcernOut,
             summary="The requester reopens an answered concern within a few days")
def concerns_reopen(request, concern_id: Id, payload: ConcernReopenIn):
    services.concern_reopen(actor=request.user, concern_id=concern_id, reason=payload.reason)
    return selectors.concern_get(user=request.user, pk=concern_id)
