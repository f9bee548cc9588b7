"""Visitors over the API (/visitors): a host pre-registers a visitor (idempotent by client
id; the visitor-entry approval request goes with it), lists and reads the visits in scope
(ID numbers masked); the visitor declares on the signed link (no login) and reads their gate
code once the visit is approved."""

from datetime import datetime

from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.access.rules import has_org_perm
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.visitors import selectors, services

router = Router(tags=["visitors"])


class VisitIn(Schema):
    name: str = Field(max_length=50)
    phone: str = Field(max_length=20)
    doc_type: str = "resident_id"
    doc_number: str = Field(max_length=32)
    organisation: str = Field("", max_length=100)
    purpose: str = Field(max_length=200)
    starts_at: datetime
    ends_at: datetime
    client_id: str = Field(
        "", max_length=64, description="the client's key: the same key again returns the same visit"
    )


class VisitOut(Schema):
    id: int
    school_id: int
    host_id: int
    name: str
    phone: str
    organisation: str
    doc_masked: str
    purpose: str
    starts_at: datetime
    ends_at: datetime
    approval_id: int
    approval_state: str = Field(alias="approval.state")
    declared_at: datetime | None
    entered_at: datetime | None
    left_at: datetime | None


class VisitCreatedOut(VisitOut):
    declare_url: str


class DeclarationIn(Schema):
    temperature: float | str
    symptoms: bool = False
    risk_regions: list[str] = Field(
        default_factory=list, description="risk-area region codes (apps.risk, in force)"
    )


class DeclarationOut(Schema):
    declared_at: datetime
    approved: bool
    code: str = Field(description="the one-time gate code, once the visit is approved")


@router.post("", response={200: VisitCreatedOut, 201: VisitCreatedOut})
def post_visit(request, payload: VisitIn):
    visit = services.visit_register(actor=request.user, **payload.dict())
    visit.declare_url = reverse("visitors:declare", args=[services.declare_token(visit)])
    return Status(201, visit)


@router.get("", response=list[VisitOut])
@paginate(CappedPageNumberPagination)
def list_visits(request):
    """The visits in the user's scope (a school its own, a bureau its schools), else those
    the user hosts."""
    if has_org_perm(request.user, services.VIEW):
        return selectors.visit_list(user=request.user)
    return selectors.visits_hosted(user=request.user)


@router.get("/{visit_id}", response=VisitOut)
def get_visit(request, visit_id: Id):
    return selectors.visit_get(user=request.user, pk=visit_id)


@router.post("/declarations/{token}", response=DeclarationOut, auth=None)
def post_declaration(request, token: str, payload: DeclarationIn):
    """The visitor's health declaration on the signed link: no login."""
    visit = services.visit_declare(token=token, **payload.dict())
    approved = visit.approval.state == "approved"
    return {
        "declared_at": visit.declared_at,
        "approved": approved,
        "code": services.visitor_code(visit) if approved else "",
    }
