"""Status endpoints: a person's stored status with reasons and actions, its history, counts
by category over the caller's scope, and a "regimen not completed" mark, cleared by a
recorded decision. Out of scope is a 404."""

from datetime import date, datetime

from django.conf import settings
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from apps.access.audit import access_view
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.people.selectors import person_get
from apps.status import selectors, services

router = Router(tags=["status"])


class StatusReasonOut(Schema):
    rule: str
    zh: str
    en: str
    text: str


class ActionOut(Schema):
    kind: str
    label: str
    due: datetime | None
    until: date | None
    done: bool
    overdue: bool
    detail: dict


class StatusOut(Schema):
    person_id: int
    category: str
    category_label: str
    until: date | None
    compliant: bool
    reasons: list[StatusReasonOut]
    actions: list[ActionOut]
    pack: str
    computed_at: datetime | None

    @staticmethod
    def resolve_category_label(obj) -> str:
        return str(obj.label)


class StatusChangeOut(Schema):
    category: str
    until: date | None
    compliant: bool
    reasons: list[dict]
    pack: str
    pack_version: str
    cause: str
    changed_at: datetime


@router.get("/persons/{person_id}/status", response=StatusOut)
def person_status(request, person_id: Id):
    person = person_get(user=request.user, pk=person_id, perm="status.view")
    access_view(request=request, action="view_health", obj=person, fields="status")
    return selectors.person_status(user=request.user, person=person)


@router.get("/persons/{person_id}/status/history", response=list[StatusChangeOut])
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def person_status_history(request, person_id: Id):
    person = person_get(user=request.user, pk=person_id, perm="status.view")
    access_view(request=request, action="view_health", obj=person, fields="status_history")
    return selectors.status_history(user=request.user, person=person)


@router.get("/status/counts", response=dict[str, int])
def status_counts(request):
    """Persons in your scope by status category (every category, zeros included)."""
    return selectors.status_counts(user=request.user)


class RegimenMarkOut(Schema):
    id: int
    person_id: int
    regimen: str
    window_start: date
    window_end: date
    tests: int
    done: int
    created_at: datetime
    cleared_at: datetime | None
    cleared_by: str
    reason: str


class RegimenMarkClearIn(Schema):
    reason: str = Field(..., max_length=2000, description="Why no test is needed (required)")


@router.get("/status/marks/{mark_id}", response=RegimenMarkOut)
def regimen_mark(request, mark_id: Id):
    """A "regimen not completed" mark: the regimen, its window, tests done, how it cleared."""
    return selectors.mark_get(user=request.user, pk=mark_id)


@router.post("/status/marks/{mark_id}/clear", response=RegimenMarkOut,
             summary="Clear a regimen mark by a recorded decision with its reason")
def regimen_mark_clear(request, mark_id: Id, payload: RegimenMarkClearIn):
    selectors.mark_get(user=request.user, pk=mark_id, perm="status.clear_mark")
    services.regimen_mark_clear(actor=request.user, mark_id=mark_id, reason=payload.reason)
    return selectors.mark_get(user=request.user, pk=mark_id)
