"""Reads for accounts: a user's roles with their scope, their API tokens."""

from dataclasses import dataclass

from apps.access.grants import role_grants
from apps.access.models import ApiToken
from apps.access.roles import Role


@dataclass(frozen=True)
class RoleView:
    role: str
    role_label: str
    scope_level: str  # region | hospital | school | unit | klass | person
    scope_id: str  # the node's id, or the region code for a bureau's region
    scope_name: str
    permissions: list[str]


def _scope_id(grant) -> str:
    if grant.level == "region":
        return grant.region_code
    if grant.level == "hospital":
        return str(grant.hospital_id)
    return str(grant.ids_at(grant.level)[0])


def user_roles(user) -> list[RoleView]:
    """Every role the user holds, with the node it is held on and what it allows
    (narrowed to a token's permissions when the user acts through one)."""
    return [
        RoleView(role=g.role, role_label=str(Role(g.role).label), scope_level=g.level,
                 scope_id=_scope_id(g), scope_name=g.label, permissions=sorted(g.permissions))
        for g in role_grants(user)
    ]


def api_tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
