"""Roles, the node of the org tree each is held on, and what each may do.

Each app declares its permissions and the roles that hold them in `apps/<app>/permissions.py`
(`PERMISSIONS = {"<app>.<perm>": {Role...}}`); `collect()` turns them into `PERMISSIONS` (role
-> frozenset of permissions) when the access app is ready (apps.access.apps).
"""

import importlib
import importlib.util

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Province admin")
    BUREAU_ADMIN = "bureau_admin", _("Bureau admin")
    SCHOOL_ADMIN = "school_admin", _("School admin")
    UNIT_LEAD = "unit_lead", _("Unit lead")
    CLASS_TEACHER = "class_teacher", _("Class teacher")
    OUTBREAK_REPORTER = "outbreak_reporter", _("Outbreak reporter")
    GATE_OFFICER = "gate_officer", _("Gate officer")
    SAMPLER = "sampler", _("Sampler")
    HOSPITAL_LIAISON = "hospital_liaison", _("Hospital liaison")
    SELF = "self", _("Student or staff member")
    GUARDIAN = "guardian", _("Guardian")


# The kind of node each role is held on.
ROLE_NODE = {
    Role.PROVINCE_ADMIN: "bureau",
    Role.BUREAU_ADMIN: "bureau",
    Role.SCHOOL_ADMIN: "school",
    Role.UNIT_LEAD: "unit",
    Role.CLASS_TEACHER: "klass",
    Role.OUTBREAK_REPORTER: "school",
    Role.GATE_OFFICER: "school",
    Role.SAMPLER: "school",
    Role.HOSPITAL_LIAISON: "hospital",
    Role.SELF: "person",
    Role.GUARDIAN: "person",
}

# Groups of roles the apps' permission modules name.
ADMINS = frozenset({Role.PROVINCE_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN})
REGION_ADMINS = frozenset({Role.PROVINCE_ADMIN, Role.BUREAU_ADMIN})
EPIDEMIC_OFFICE = frozenset({Role.SCHOOL_ADMIN, Role.OUTBREAK_REPORTER})
# Those who look after people: the organisational roles that see lists of them.
SEE_PEOPLE = ADMINS | {Role.UNIT_LEAD, Role.CLASS_TEACHER, Role.OUTBREAK_REPORTER}
PERSONAL = frozenset({Role.SELF, Role.GUARDIAN})

# role -> every permission it holds, filled by collect() from the apps' permissions modules.
PERMISSIONS: dict[str, frozenset[str]] = {}
# membership (a grant that comes from sitting on something, not from a role, such as a
# school's task force) -> its permissions, from the modules' `MEMBERSHIPS`.
MEMBERSHIP_PERMISSIONS: dict[str, frozenset[str]] = {}


def _modules(app_names):
    for name in app_names:
        if importlib.util.find_spec(f"{name}.permissions") is not None:
            yield name, importlib.import_module(f"{name}.permissions")


def declared(app_names) -> dict[str, frozenset[str]]:
    """Every permission the apps named declare (module `<app>.permissions`, dict
    `PERMISSIONS`: permission -> roles), checked for duplicates and unknown roles."""
    found: dict[str, frozenset[str]] = {}
    for name, module in _modules(app_names):
        for perm, roles in getattr(module, "PERMISSIONS", {}).items():
            if perm in found:
                raise ValueError(f"{perm} is declared twice ({name})")
            unknown = set(roles) - set(Role.values)
            if unknown:
                raise ValueError(f"{perm}: unknown roles {sorted(unknown)}")
            found[perm] = frozenset(roles)
    return found


def collect(app_names) -> dict[str, frozenset[str]]:
    """Fill PERMISSIONS (role -> permissions) and MEMBERSHIP_PERMISSIONS from the apps'
    declarations, in place."""
    app_names = list(app_names)
    perms = declared(app_names)
    PERMISSIONS.clear()
    PERMISSIONS.update({role: frozenset(p for p, roles in perms.items() if role in roles)
                        for role in Role})
    MEMBERSHIP_PERMISSIONS.clear()
    for _name, module in _modules(app_names):
        MEMBERSHIP_PERMISSIONS.update({membership: frozenset(granted) for membership, granted
                                       in getattr(module, "MEMBERSHIPS", {}).items()})
    return PERMISSIONS
