"""Reads for accounts: a user's roles with their scope, their API tokens, the access log, and
who holds which role in a bureau's area or a school (the roles pages)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.access import delegation
from apps.access.delegation import Place
from apps.access.grants import grants_for, role_grants
from apps.access.models import AccessLog, ApiToken, RoleAssignment
from apps.access.roles import ROLE_NODE, Role


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
    "print_list": _("List printed"),
    "export_list": _("List exported to Excel"),
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


# Roles: who holds what, per scope (access.manage_roles) ------------------------------------

MANAGE = "access.manage_roles"
# The roles a bureau's page lists: those held on bureaus, hospitals and schools' admins. A
# school's own roles are on the school's page.
BUREAU_PAGE_ROLES = (Role.PROVINCE_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN,
                     Role.HOSPITAL_LIAISON)


@dataclass(frozen=True)
class Holder:
    """One role held: an assignment, or a class's teacher (`class_id`, no end date)."""

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
    node: object = field(default=None, compare=False, repr=False)


def holder(row) -> Holder:
    """A RoleAssignment, or a class with its teacher, as a Holder."""
    if isinstance(row, RoleAssignment):
        node = row.node
        ended = row.ends_on is not None and row.ends_on < timezone.localdate()
        return Holder(row.pk, None, row.role, str(Role(row.role).label), row.user_id,
                      row.user.username, str(row.user), ROLE_NODE[row.role], node.pk, str(node),
                      row.ends_on, not ended, node)
    return Holder(None, row.pk, Role.CLASS_TEACHER, str(Role.CLASS_TEACHER.label),
                  row.teacher_id, row.teacher.username, str(row.teacher), "klass", row.pk,
                  f"{row.unit} · {row.name}", None, True, row)


class Holders(Sequence):
    """Role rows read lazily as Holders, so a page or the API's pagination slices the
    query, not a list of every holder in a province."""

    def __init__(self, rows):
        self.rows = rows

    def __len__(self) -> int:
        return self.rows.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [holder(r) for r in self.rows[index]]
        return holder(self.rows[index])


def _managed(model, user, pk):
    found = model.objects.restrict(user, MANAGE).filter(pk=getattr(pk, "pk", pk)).first()
    if found is None:
        raise Http404
    return found


def school_managed(*, user, pk):
    from apps.orgs.models import School

    return _managed(School, user, pk)


def bureau_managed(*, user, pk):
    from apps.orgs.models import Bureau

    return _managed(Bureau, user, pk)


def hospital_managed(*, user, pk):
    from apps.orgs.models import Hospital

    return _managed(Hospital, user, pk)


def _assignments(user):
    return (RoleAssignment.objects.restrict(user, MANAGE)
            .select_related("user", "bureau", "school", "unit__school", "hospital"))


def school_holders(*, user, school) -> list[Holder]:
    """Everyone holding a role in the school: its roles, its units' leads, its classes'
    teachers (Http404 when the user manages no roles there)."""
    from apps.orgs.models import SchoolClass

    school = school_managed(user=user, pk=school)
    rows = _assignments(user).filter(school=school).order_by("role", "unit__name",
                                                             "user__username")
    classes = (SchoolClass.objects.restrict(user, MANAGE)
               .filter(school=school, teacher__isnull=False)
               .select_related("teacher", "unit", "school").order_by("unit__name", "name"))
    return [holder(r) for r in rows] + [holder(c) for c in classes]


def bureau_holders(*, user, bureau, role: str = "") -> Holders:
    """The bureau-level roles in the bureau's area: admins of the bureau and those under it,
    its schools' admins, its hospitals' liaisons; one role of them when `role` names it."""
    bureau = bureau_managed(user=user, pk=bureau)
    code = getattr(bureau, f"{bureau.level}_code")
    rows = _assignments(user).filter(**{f"{bureau.level}_code": code},
                                     role__in=BUREAU_PAGE_ROLES)
    if role in BUREAU_PAGE_ROLES:
        rows = rows.filter(role=role)
    return Holders(rows.order_by("role", "county_code", "user__username", "pk"))


def class_managed(*, user, pk):
    from apps.orgs.models import SchoolClass

    return _managed(SchoolClass, user, pk)


def role_scopes(*, user) -> tuple[list, list]:
    """The top bureaus whose roles the user keeps (their sub-bureaus are reached from them),
    and the schools it keeps roles of by a school-level role."""
    from apps.access.rules import school_ids_granted
    from apps.orgs.models import Bureau, School

    bureaus = Bureau.objects.restrict(user, MANAGE)
    top = list(bureaus.exclude(parent__in=bureaus.values("pk")).order_by("region_id"))
    schools = list(School.objects.filter(pk__in=school_ids_granted(user, MANAGE))
                   .order_by("name"))
    return top, schools


def bureau_children_managed(*, user, bureau) -> list:
    from apps.orgs.models import Bureau

    return list(Bureau.objects.restrict(user, MANAGE).filter(parent=bureau).order_by("region_id"))


def _grantable(user, places: list, roles) -> list[str]:
    grants = grants_for(user)
    return [r for r in roles if any(delegation.refusal(grants, r, p) is None for p in places)]


def bureau_grant_choices(*, user, bureau) -> dict:
    """What a bureau's page offers to grant: its own admins (to those above it), its
    sub-bureaus' admins, its schools' admins, its area's hospitals' liaisons."""
    from apps.access.appointments import place_of
    from apps.orgs.models import Bureau, Hospital, School

    area = {f"{bureau.level}_code": getattr(bureau, f"{bureau.level}_code")}
    bureaus = Bureau.objects.restrict(user, MANAGE).filter(Q(pk=bureau.pk) | Q(parent=bureau))
    schools = School.objects.restrict(user, MANAGE).filter(bureau=bureau, active=True)
    hospitals = Hospital.objects.restrict(user, MANAGE).filter(**area)
    places = [place_of(n) for n in [*bureaus, *schools[:1], *hospitals[:1]]]
    return {"roles": _grantable(user, places, BUREAU_PAGE_ROLES),
            "choices": {"bureau": bureaus.order_by("region_id"),
                        "school": schools.order_by("name"),
                        "hospital": hospitals.order_by("name")}}


SCHOOL_PAGE_ROLES = (Role.SCHOOL_ADMIN, Role.UNIT_LEAD, Role.CLASS_TEACHER,
                     Role.OUTBREAK_REPORTER, Role.GATE_OFFICER, Role.SAMPLER)


def school_grant_choices(*, user, school) -> dict:
    """What a school's page offers to grant, to the school's accounts (apps.access.
    appointments.appointable), on the school, one of its units or one of its classes."""
    from apps.access.appointments import appointable
    from apps.orgs.models import SchoolClass, Unit

    codes = (school.province_code, school.city_code, school.county_code)
    places = [Place(kind, *codes, school_id=school.pk) for kind in ("school", "unit", "klass")]
    return {"roles": _grantable(user, places, SCHOOL_PAGE_ROLES),
            "choices": {
                "user": appointable(granter=user, school=school).order_by("username"),
                "unit": Unit.objects.restrict(user, MANAGE).filter(school=school)
                .order_by("name"),
                "klass": SchoolClass.objects.restrict(user, MANAGE).filter(school=school)
                .order_by("name")}}


@dataclass(frozen=True)
class HolderRow:
    holder: Holder
    may_change: bool


def with_changes(*, user, holders) -> list[HolderRow]:
    """Each holder with whether the user may revoke it or change its end (what it could
    grant there, never its own)."""
    from apps.access.appointments import place_of

    grants = grants_for(user)
    return [HolderRow(h, h.user_id != user.pk and delegation.refusal(
        grants, h.role, place_of(h.node)) is None) for h in holders]
