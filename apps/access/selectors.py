"""Reads for accounts: a user's roles with their scope, their API tokens, the access log."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.access.grants import role_grants
from apps.access.models import AccessLog, ApiToken
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


# The access log, for the admins who answer for it (access.view_log) -------------------------

ACTIONS = {
    "reveal_document": _("Full ID number shown"),
    "export_unmasked": _("Export with full numbers"),
    "gate_override": _("Gate verdict overridden"),
    "view_health": _("Health data viewed"),
    "view_travel": _("Travel data viewed"),
}


@dataclass(frozen=True)
class LogFilters:
    school_id: int | None = None
    action: str = ""
    who: str = ""  # part of a username or display name
    since: date | None = None
    until: date | None = None  # inclusive


def log_schools(user):
    """The schools whose access log the user may read, by the scoped layer."""
    from apps.orgs.models import School

    return School.objects.restrict(user, "access.view_log")


def access_log(*, user, filters: LogFilters) -> QuerySet[AccessLog]:
    """The access log rows of the schools in the user's scope, newest first, filtered."""
    rows = AccessLog.objects.filter(school_id__in=log_schools(user).values("pk"))
    if filters.school_id:
        rows = rows.filter(school_id=filters.school_id)
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.who:
        rows = rows.filter(Q(user__username__icontains=filters.who)
                           | Q(user__display_name__icontains=filters.who))
    if filters.since:
        rows = rows.filter(at__gte=_day_start(filters.since))
    if filters.until:
        rows = rows.filter(at__lt=_day_start(filters.until + timedelta(days=1)))
    return rows.select_related("user").order_by("-at", "-pk")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
