"""The signed-in account (/me), its API tokens (/tokens), and roles: who holds what in a
school or a bureau's area, granted, ended and revoked by the delegation rule
(/schools/{id}/roles, /bureaus/{id}/roles, /hospitals/{id}/roles, /roles/{id},
/classes/{id}/teacher)."""

from datetime import date, datetime
from typing import Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.access import appointments, selectors, services
from apps.core.errors import ApiError
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Count, Id

router = Router(tags=["access"])


class RoleOut(Schema):
    role: str
    role_label: str
    scope_level: str
    scope_id: str
    scope_name: str
    permissions: list[str]


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[RoleOut]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    permissions: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenIn(Schema):
    name: str
    permissions: list[str] | None = None
    days: Count = 90


class TokenCreatedOut(TokenOut):
    token: str


def _session_only(request) -> None:
    # A token must not mint or revoke tokens: that would outlive its own expiry and scope.
    if getattr(request.auth, "_shaodian_token_id", None):
        raise ApiError("session_required", _("Manage tokens from a signed-in session."), 403)


@router.get("/me", response=MeOut, summary="The signed-in account, its roles and their scope")
def me(request):
    user = request.auth
    return {"id": user.pk, "username": user.username, "display_name": str(user),
            "roles": selectors.user_roles(user)}


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def token_list(request):
    return selectors.api_tokens_of(request.auth)


@router.post("/tokens", response={201: TokenCreatedOut},
             summary="Create an API token; its plaintext is shown only in this response")
def token_create(request, payload: TokenIn):
    _session_only(request)
    token, raw = services.api_token_create(
        user=request.auth, name=payload.name, permissions=payload.permissions, days=payload.days)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": raw})


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke an API token")
def token_revoke(request, token_id: Id):
    _session_only(request)
    return services.api_token_revoke(user=request.auth, token_id=token_id)


# Roles: who holds what in a bureau's area or a school, granted by the delegation rule -------


class AccessHolderOut(Schema):
    """One role held: an assignment (`assignment_id`), or a class's teacher (`class_id`)."""

    assignment_id: int | None
    class_id: int | None
    role: str
    role_label: str
    user_id: int
    username: str
    display_name: str
    node_kind: str
    node_id: int
    node_name: str
    ends_on: date | None
    current: bool


class AccessAreaHolderOut(AccessHolderOut):
    """One role held in a bureau's area (its own list: one paged schema per class name)."""


SchoolRole = Literal["school_admin", "unit_lead", "class_teacher", "outbreak_reporter",
                     "gate_officer", "sampler"]
BureauRole = Literal["province_admin", "bureau_admin"]


class AccessSchoolRoleIn(Schema):
    user_id: Id
    role: SchoolRole
    unit_id: Id | None = Field(None, description="the unit, for a unit lead")
    class_id: Id | None = Field(None, description="the class, for a class teacher")
    ends_on: date | None = Field(None, description="the last day the role is held")


class AccessBureauRoleIn(Schema):
    user_id: Id
    role: BureauRole
    ends_on: date | None = None


class AccessHospitalRoleIn(Schema):
    user_id: Id
    ends_on: date | None = None


class AccessRoleEndIn(Schema):
    ends_on: date | None = Field(..., description="the last day; null: no end")


def _holder(granted) -> dict:
    return selectors.holder(granted.assignment or granted.klass)


@router.get("/schools/{school_id}/roles", response=list[AccessHolderOut],
            summary="Who holds which role in a school (its admins and those above)")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def school_roles(request, school_id: Id):
    return selectors.school_holders(user=request.auth, school=school_id)


@router.post("/schools/{school_id}/roles", response={201: AccessHolderOut, 200: AccessHolderOut},
             summary="Grant a role in a school (a class teacher, a unit lead, ...)")
def school_role_grant(request, school_id: Id, payload: AccessSchoolRoleIn):
    school = selectors.school_managed(user=request.auth, pk=school_id)
    granted = appointments.role_grant(
        granter=request.auth, user=payload.user_id, role=payload.role, school=school,
        unit=payload.unit_id, klass=payload.class_id, ends_on=payload.ends_on)
    return Status(201 if granted.created else 200, _holder(granted))


@router.get("/bureaus/{bureau_id}/roles", response=list[AccessAreaHolderOut],
            summary="Who holds the bureau-level roles in a bureau's area")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def bureau_roles(request, bureau_id: Id, role: str = ""):
    return selectors.bureau_holders(user=request.auth, bureau=bureau_id, role=role)


@router.post("/bureaus/{bureau_id}/roles", response={201: AccessHolderOut, 200: AccessHolderOut},
             summary="Appoint an admin of a bureau (or of the province department)")
def bureau_role_grant(request, bureau_id: Id, payload: AccessBureauRoleIn):
    bureau = selectors.bureau_managed(user=request.auth, pk=bureau_id)
    granted = appointments.role_grant(granter=request.auth, user=payload.user_id,
                                      role=payload.role, bureau=bureau, ends_on=payload.ends_on)
    return Status(201 if granted.created else 200, _holder(granted))


@router.post("/hospitals/{hospital_id}/roles",
             response={201: AccessHolderOut, 200: AccessHolderOut},
             summary="Appoint a designated hospital's liaison (bureaus of its area)")
def hospital_role_grant(request, hospital_id: Id, payload: AccessHospitalRoleIn):
    hospital = selectors.hospital_managed(user=request.auth, pk=hospital_id)
    granted = appointments.role_grant(
        granter=request.auth, user=payload.user_id, role="hospital_liaison", hospital=hospital,
        ends_on=payload.ends_on)
    return Status(201 if granted.created else 200, _holder(granted))


@router.patch("/roles/{assignment_id}", response=AccessHolderOut,
              summary="Set or clear the last day a role is held")
def role_end_set(request, assignment_id: Id, payload: AccessRoleEndIn):
    return selectors.holder(appointments.role_end_set(
        actor=request.auth, assignment=assignment_id, ends_on=payload.ends_on))


@router.delete("/roles/{assignment_id}", response={204: None},
               summary="Revoke a role: at once, in every process")
def role_revoke(request, assignment_id: Id):
    appointments.role_revoke(revoker=request.auth, assignment=assignment_id)
    return Status(204, None)


@router.delete("/classes/{class_id}/teacher", response={204: None},
               summary="The class has no class teacher any more")
def class_teacher_revoke(request, class_id: Id):
    appointments.class_teacher_revoke(revoker=request.auth, klass=class_id)
    return Status(204, None)
