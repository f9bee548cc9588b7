"""The signed-in account (/me) and its API tokens (/tokens)."""

from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from apps.access import selectors, services
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
