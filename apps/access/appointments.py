"""Granting, revoking and ending roles, by the delegation rule (apps.access.delegation).

A granter grants on a node it holds "access.manage_roles" on (an out-of-scope node is as
unknown as none: `not_found` naming the field), to an account of that scope, only a role
the rule lets it grant there; a revoke or a new end date is allowed to whoever could grant
that role there. Each write is one transaction with the granter in the record's history
(RoleAssignment's, or the class's for a class teacher), and changes the holder's
`access_version` (apps.access.freshness), so a cached API token stops carrying the old role
at its next request, in every process.
"""

from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access import delegation
from apps.access.delegation import Place
from apps.access.grants import grants_for
from apps.access.models import RoleAssignment, User
from apps.access.roles import ROLE_NODE, Role
from apps.core.errors import FieldError, ValidationFailed

MANAGE = "access.manage_roles"
# The field naming each kind of node, and its model.
NODE_FIELDS = {"bureau": "bureau", "school": "school", "unit": "unit", "klass": "klass",
               "hospital": "hospital"}
NODE_MODELS = {"bureau": "orgs.Bureau", "school": "orgs.School", "unit": "orgs.Unit",
               "klass": "orgs.SchoolClass", "hospital": "orgs.Hospital"}


def _messages() -> dict:
    return {
        delegation.NOT_GRANTABLE: _("This role is not granted here: guardians and own "
                                    "accounts are linked from the person record."),
        delegation.WRONG_NODE: _("This role is not held on this kind of organisation."),
        delegation.NOT_GRANTER: _("Your roles grant no role."),
        delegation.OUT_OF_SCOPE: _("This is outside the area your roles cover."),
        delegation.ABOVE_OWN: _("You may grant only roles below your own, here."),
    }


def node_model(kind: str):
    return apps.get_model(NODE_MODELS[kind])


def place_of(node) -> Place:
    """Where a bureau, school, unit, class or hospital sits, for the rule."""
    kind = node_kind(node)
    if kind in ("bureau", "hospital"):
        return Place(kind, node.province_code, node.city_code, node.county_code,
                     level=getattr(node, "level", ""))
    school = node if kind == "school" else node.school
    return Place(kind, school.province_code, school.city_code, school.county_code,
                 school_id=school.pk)


def node_kind(node) -> str:
    return {"Bureau": "bureau", "School": "school", "Unit": "unit", "SchoolClass": "klass",
            "Hospital": "hospital"}[type(node).__name__]


def _pk(value):
    return getattr(value, "pk", value)


def _node_in_scope(granter, kind: str, value, school=None):
    """The node the granter manages roles on, or None; a unit or class only inside the
    school given (an id of another school's is as unknown as none)."""
    rows = node_model(kind).objects.restrict(granter, MANAGE)
    if kind in ("unit", "klass"):
        rows = rows.select_related("school")
        if school is not None:
            rows = rows.filter(school_id=_pk(school))
    return rows.filter(pk=_pk(value)).first() if value is not None else None


# Accounts one may appoint ----------------------------------------------------------------


def _unattached() -> Q:
    """An account that belongs to nothing yet (no role, class, person record, guardianship or
    task force): a new account anyone in charge may give its first role."""
    person = apps.get_model("people", "Person")
    guardianship = apps.get_model("people", "Guardianship")
    member = apps.get_model("emergency", "TaskForceMember")
    klass = apps.get_model("orgs", "SchoolClass")
    owned = [RoleAssignment.objects.filter(user=OuterRef("pk")),
             klass.objects.filter(teacher=OuterRef("pk")),
             person.objects.filter(user=OuterRef("pk")),
             guardianship.objects.filter(user=OuterRef("pk")),
             member.objects.filter(user=OuterRef("pk"))]
    q = Q(is_superuser=False)
    for rows in owned:
        q &= ~Exists(rows)
    return q


def _sources(granter, school):
    """Where an appointable account comes from: in a school, its active staff, its roles and
    its classes; elsewhere, those of the granter's area (its scope)."""
    person = apps.get_model("people", "Person")
    klass = apps.get_model("orgs", "SchoolClass")
    if school is not None:
        return (person.objects.filter(school_id=_pk(school), kind="staff", active=True),
                RoleAssignment.objects.filter(school_id=_pk(school)),
                klass.objects.filter(school_id=_pk(school)))
    return (person.objects.restrict(granter, MANAGE).filter(kind="staff", active=True),
            RoleAssignment.objects.restrict(granter, MANAGE),
            klass.objects.restrict(granter, MANAGE))


def appointable(*, granter, school=None) -> QuerySet[User]:
    """The accounts that belong to the school (or the granter's area), for a page to list:
    staff with accounts, holders of a role or a class there. One union of ids, each part
    read by its school (or area) index."""
    staff, roles, classes = _sources(granter, school)
    ids = staff.filter(user__isnull=False).order_by().values_list("user_id").union(
        roles.order_by().values_list("user_id"),
        classes.filter(teacher__isnull=False).order_by().values_list("teacher_id"))
    return User.objects.filter(is_active=True, pk__in=ids)


def appointable_one(*, granter, school=None, pk=None, username: str | None = None):
    """One account the granter may name (by id, or by username): one of the school's or the
    area's (`appointable`), or an account that belongs to nothing yet. Checked on that one
    row (correlated EXISTS), never by listing a province's accounts."""
    rows = User.objects.filter(is_active=True)
    rows = rows.filter(pk=pk) if username is None else rows.filter(username=username.strip())
    staff, roles, classes = _sources(granter, school)
    belongs = (Exists(staff.filter(user=OuterRef("pk"))) | Exists(roles.filter(
        user=OuterRef("pk"))) | Exists(classes.filter(teacher=OuterRef("pk"))))
    return rows.filter(belongs | _unattached()).first()


def _user(errors: list, granter, user, school) -> User | None:
    if user is None:
        errors.append(FieldError("user", "required", _("Choose the account.")))
        return None
    found = appointable_one(granter=granter, school=school, pk=_pk(user))
    if found is None:
        errors.append(FieldError("user", "not_found", _("No such account in your scope.")))
    elif found.pk == granter.pk:
        errors.append(FieldError("user", "self", _("You cannot change your own roles.")))
    return found


def user_by_username(*, granter, username: str, school=None) -> User | None:
    """An appointable account by its username (the bureau pages choose accounts so)."""
    return appointable_one(granter=granter, school=school, username=username or "")


def _ends_on(errors: list, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < timezone.localdate():
        errors.append(FieldError("ends_on", "past", _("The end date has passed.")))


# Writes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Granted:
    """What a grant made: the assignment, or the class whose teacher it set."""

    assignment: RoleAssignment | None
    klass: object | None
    created: bool


def _refuse(granter, role: str, node) -> FieldError | None:
    reason = delegation.refusal(grants_for(granter), role, place_of(node))
    return FieldError("role", reason, _messages()[reason]) if reason else None


def _unwanted(role: str, nodes: dict) -> list[FieldError]:
    """A place given that the role is not held on (a unit for a school admin): refused, so
    that nothing is granted on a request that names something else."""
    kind = ROLE_NODE[role]
    wanted = {kind, "school"} if kind in ("unit", "klass") else {kind}
    return [FieldError(NODE_FIELDS[k], "not_for_role", _("This role is not held on this."))
            for k, value in nodes.items() if value is not None and k not in wanted]


def _node_for_role(errors: list, granter, role: str, nodes: dict):
    kind = ROLE_NODE[role]
    field, value = NODE_FIELDS[kind], nodes.get(kind)
    if value is None:
        errors.append(FieldError(field, "required", _("Choose where the role is held.")))
        return None
    node = _node_in_scope(granter, kind, value, school=nodes.get("school"))
    if node is None:
        errors.append(FieldError(field, "not_found", _("No such place in your scope.")))
    return node


@transaction.atomic
def role_grant(*, granter, user, role: str, bureau=None, school=None, unit=None, klass=None,
               hospital=None, ends_on: date | None = None) -> Granted:
    """Give `user` the role on its node (the one of bureau, school, unit, klass, hospital the
    role is held on; a unit or class inside `school` when given). A class teacher is the
    class's teacher (no end date); granting a role held already sets its end date."""
    if role not in Role.values or role in delegation.NOT_GRANTED:
        reason = delegation.NOT_GRANTABLE
        raise ValidationFailed([FieldError("role", reason, _messages()[reason])])
    nodes = {"bureau": bureau, "school": school, "unit": unit, "klass": klass,
             "hospital": hospital}
    errors = _unwanted(role, nodes)
    node = _node_for_role(errors, granter, role, nodes)
    # The account is looked for where the role is held: the school, the unit's or class's
    # school, or the school named with them (no place at all: no account to name).
    in_school = node if ROLE_NODE[role] == "school" else getattr(node, "school", None)
    if in_school is None and ROLE_NODE[role] in ("unit", "klass") and school is not None:
        in_school = _node_in_scope(granter, "school", school)
    found = None
    if node is not None or in_school is not None:
        found = _user(errors, granter, user, in_school)
    _ends_on(errors, ends_on)
    if node is not None and (refused := _refuse(granter, role, node)):
        errors.append(refused)
    if role == Role.CLASS_TEACHER and ends_on is not None:
        errors.append(FieldError("ends_on", "not_for_class_teacher", _(
            "A class teacher teaches the class until replaced: no end date.")))
    if role == Role.CLASS_TEACHER and node is not None and node.teacher_id not in (
            None, _pk(found)):
        errors.append(FieldError("klass", "has_teacher", _(
            "This class has a class teacher: revoke that first.")))
    if errors:
        raise ValidationFailed(errors)
    if role == Role.CLASS_TEACHER:
        return _teacher_set(granter, node, found)
    return _assign(granter, found, role, node, ends_on)


def _teacher_set(granter, klass, user) -> Granted:
    created = klass.teacher_id != user.pk
    if created:
        klass.teacher = user
        klass._history_user = granter
        klass.save(update_fields=["teacher"])
    return Granted(None, klass, created)


def _assign(granter, user, role, node, ends_on) -> Granted:
    kind = ROLE_NODE[role]
    found = RoleAssignment.objects.select_for_update().filter(
        user=user, role=role, **{kind: node}).first()
    assignment = found or RoleAssignment(user=user, role=role, **{kind: node})
    assignment.ends_on = ends_on
    assignment._history_user = granter
    assignment.save()
    return Granted(assignment, None, found is None)


def assignment_in_scope(actor, assignment) -> RoleAssignment:
    """The assignment the actor manages roles over; Http404 otherwise, as if there were
    none."""
    found = (RoleAssignment.objects.restrict(actor, MANAGE)
             .select_related("user", "bureau", "school", "unit__school", "hospital")
             .filter(pk=_pk(assignment)).first())
    if found is None:
        raise Http404("assignment")
    return found


def _may_change(actor, role: str, node, user_id: int) -> None:
    """One changes (revokes, ends) only what one could grant, and never one's own roles."""
    errors = []
    if user_id == actor.pk:
        errors.append(FieldError("user", "self", _("You cannot change your own roles.")))
    if refused := _refuse(actor, role, node):
        errors.append(refused)
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def role_revoke(*, revoker, assignment) -> RoleAssignment:
    """Take the role away: the row goes, its history keeps who held it and who revoked it."""
    assignment = assignment_in_scope(revoker, assignment)
    _may_change(revoker, assignment.role, assignment.node, assignment.user_id)
    assignment._history_user = revoker
    assignment.delete()
    return assignment


@transaction.atomic
def role_end_set(*, actor, assignment, ends_on: date | None) -> RoleAssignment:
    """Set (or clear, with None) the last day the role is held."""
    assignment = assignment_in_scope(actor, assignment)
    _may_change(actor, assignment.role, assignment.node, assignment.user_id)
    errors: list[FieldError] = []
    _ends_on(errors, ends_on)
    if errors:
        raise ValidationFailed(errors)
    assignment.ends_on = ends_on
    assignment._history_user = actor
    assignment.save(update_fields=["ends_on"])
    return assignment


@transaction.atomic
def class_teacher_revoke(*, revoker, klass):
    """The class has no class teacher any more (the class's history keeps who it was)."""
    found = _node_in_scope(revoker, "klass", klass)
    if found is None:
        raise Http404("klass")
    if found.teacher_id is None:
        raise ValidationFailed([FieldError("klass", "no_teacher",
                                           _("This class has no class teacher."))])
    _may_change(revoker, Role.CLASS_TEACHER, found, found.teacher_id)
    found.teacher = None
    found._history_user = revoker
    found.save(update_fields=["teacher"])
    return found


def roles_ended_remove(*, day: date | None = None) -> int:
    """Take away the roles whose last day is before `day` (today): the grants stopped giving
    them at midnight already; the rows go so that the readers that pick a school's outbreak
    reporter or a unit's lead (follow-ups, reminders, triggers) stop finding them. Each is
    in its history as removed. Returns how many went."""
    day = day or timezone.localdate()
    removed = 0
    for assignment in RoleAssignment.objects.filter(ends_on__lt=day).order_by("pk")[:10_000]:
        with transaction.atomic():
            assignment._change_reason = "ended"
            assignment.delete()
        removed += 1
    return removed
