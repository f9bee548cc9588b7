"""Roles, the node of the org tree each is held on, and what each may do.

Pure data: a new permission is one line in PERMISSIONS and the roles that get it.
"""

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

_ADMIN = {
    "orgs.view", "orgs.change", "people.view", "people.change", "people.reveal_id",
    "people.history", "access.view_log", "access.manage_roles",
}
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.PROVINCE_ADMIN: frozenset(_ADMIN | {"regions.change", "policy.choose", "policy.tighten"}),
    Role.BUREAU_ADMIN: frozenset(_ADMIN - {"people.change"} | {"policy.tighten"}),
    Role.SCHOOL_ADMIN: frozenset(_ADMIN | {"policy.tighten"}),
    Role.UNIT_LEAD: frozenset({"orgs.view", "people.view"}),
    Role.CLASS_TEACHER: frozenset({"orgs.view", "people.view", "people.change"}),
    Role.OUTBREAK_REPORTER: frozenset({"orgs.view", "people.view"}),
    # A gate officer sees only what a verdict needs: no lists, no details.
    Role.GATE_OFFICER: frozenset({"gate.verdict"}),
    Role.SAMPLER: frozenset({"testing.sample"}),
    Role.HOSPITAL_LIAISON: frozenset({"orgs.view", "testing.view"}),
    Role.SELF: frozenset({"people.view", "people.code"}),
    Role.GUARDIAN: frozenset({"people.view", "people.code"}),
}

# Risk areas: every organisational role sees them; the province and the bureaus designate
# them. Declarations (报备): the roles that see people see them; the person, a guardian, the
# class teacher and the school's epidemic office declare them.
_RISK_AND_TRAVEL = {
    Role.PROVINCE_ADMIN: {"risk.view", "risk.change", "travel.view"},
    Role.BUREAU_ADMIN: {"risk.view", "risk.change", "travel.view"},
    Role.SCHOOL_ADMIN: {"risk.view", "travel.view", "travel.declare"},
    Role.UNIT_LEAD: {"risk.view", "travel.view"},
    Role.CLASS_TEACHER: {"risk.view", "travel.view", "travel.declare"},
    Role.OUTBREAK_REPORTER: {"risk.view", "travel.view"},
    Role.GATE_OFFICER: {"risk.view"},
    Role.SAMPLER: {"risk.view"},
    Role.HOSPITAL_LIAISON: {"risk.view"},
    Role.SELF: {"travel.view", "travel.declare"},
    Role.GUARDIAN: {"travel.view", "travel.declare"},
}
PERMISSIONS.update({role: PERMISSIONS[role] | perms for role, perms in _RISK_AND_TRAVEL.items()})

# Stored statuses (apps.status): those who see a person see their status and its reasons; a
# gate officer reads only what a verdict needs (category, end date, whether it is current).
_STATUS = {
    Role.PROVINCE_ADMIN: {"status.view"},
    Role.BUREAU_ADMIN: {"status.view"},
    Role.SCHOOL_ADMIN: {"status.view"},
    Role.UNIT_LEAD: {"status.view"},
    Role.CLASS_TEACHER: {"status.view"},
    Role.OUTBREAK_REPORTER: {"status.view"},
    Role.GATE_OFFICER: {"status.gate"},
    Role.SELF: {"status.view"},
    Role.GUARDIAN: {"status.view"},
}
PERMISSIONS.update({role: PERMISSIONS[role] | perms for role, perms in _STATUS.items()})

# Roster export (apps.rosters.export): the organisational roles that see lists export them,
# within the same scope; a person or a guardian has no list to export.
_EXPORT = (Role.PROVINCE_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN, Role.UNIT_LEAD,
           Role.CLASS_TEACHER, Role.OUTBREAK_REPORTER)
PERMISSIONS.update({role: PERMISSIONS[role] | {"rosters.export"} for role in _EXPORT})

# Roster import (apps.rosters): the school's epidemic office for the whole school, a class
# teacher for their own class; the people's own scope still decides which rows they may write.
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"rosters.import"} for role in (Role.SCHOOL_ADMIN,
                                                                Role.CLASS_TEACHER)}
)

# Daily health (apps.health): a person, a guardian or the class teacher checks in; those who
# look after people see the completion, late and missing lists and the abnormal ones.
_SEE_PEOPLE = (Role.PROVINCE_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN, Role.UNIT_LEAD,
               Role.CLASS_TEACHER, Role.OUTBREAK_REPORTER)
PERMISSIONS.update({role: PERMISSIONS[role] | {"health.view"} for role in _SEE_PEOPLE})
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"health.checkin"}
     for role in (Role.SCHOOL_ADMIN, Role.CLASS_TEACHER, Role.SELF, Role.GUARDIAN)}
)

# Gate checks (apps.gate): the gate officer asks for verdicts; the school's epidemic office
# may override a stop with a reason; schools and bureaus see the checks and the stops.
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"gate.view"}
     for role in (Role.PROVINCE_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN,
                  Role.OUTBREAK_REPORTER)}
)
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"gate.override"}
     for role in (Role.SCHOOL_ADMIN, Role.OUTBREAK_REPORTER)}
)

# Sick absence and clusters (apps.absence): the class teacher, the person, a guardian and the
# epidemic office report an absence; the class teacher and the outbreak reporter follow up its
# cause; the outbreak reporter handles cluster alerts; bureaus and the hospital see them.
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"absence.view"}
     for role in (*_SEE_PEOPLE, Role.HOSPITAL_LIAISON, Role.SELF, Role.GUARDIAN)}
)
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"absence.report"}
     for role in (Role.SCHOOL_ADMIN, Role.CLASS_TEACHER, Role.OUTBREAK_REPORTER, Role.SELF,
                  Role.GUARDIAN)}
)
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"absence.followup", "clusters.handle"}
     for role in (Role.SCHOOL_ADMIN, Role.OUTBREAK_REPORTER)}
)
PERMISSIONS[Role.CLASS_TEACHER] = PERMISSIONS[Role.CLASS_TEACHER] | {"absence.followup"}

# Testing (apps.testing): the school's epidemic office runs rounds; samplers scan; the lab
# (through the designated hospital's liaison or a token) and the school import results.
PERMISSIONS.update({role: PERMISSIONS[role] | {"testing.view"} for role in _SEE_PEOPLE})
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"testing.manage"}
     for role in (Role.SCHOOL_ADMIN, Role.OUTBREAK_REPORTER)}
)
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"testing.results"}
     for role in (Role.SCHOOL_ADMIN, Role.HOSPITAL_LIAISON)}
)

# Follow-ups (apps.followups): the people a follow-up is assigned to (class teachers, unit
# leads) and the school's epidemic office see and complete them; bureaus see them.
PERMISSIONS.update({role: PERMISSIONS[role] | {"followups.view"} for role in _SEE_PEOPLE})
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"followups.complete"}
     for role in (Role.SCHOOL_ADMIN, Role.UNIT_LEAD, Role.CLASS_TEACHER,
                  Role.OUTBREAK_REPORTER)}
)

# Modes (apps.emergency): a school's epidemic office switches its school's mode, a bureau
# may order it; everyone who looks after people sees it.
PERMISSIONS.update({role: PERMISSIONS[role] | {"emergency.view"} for role in _SEE_PEOPLE})
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"emergency.mode"}
     for role in (Role.PROVINCE_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN)}
)

# Notifications (apps.notifications): every user reads their own inbox (no permission
# needed); the school's epidemic office and the bureaus see the outside deliveries of the
# messages about their schools; the school's epidemic office configures its school's channels
# (WeCom/DingTalk robots, webhooks). The school admin reassigns follow-ups.
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"notifications.deliveries"}
     for role in (Role.PROVINCE_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN,
                  Role.OUTBREAK_REPORTER)}
)
PERMISSIONS[Role.SCHOOL_ADMIN] = PERMISSIONS[Role.SCHOOL_ADMIN] | {"notifications.channels",
                                                                   "followups.assign"}

# Case reports and triggers (apps.emergency): the province and the bureaus enter case
# reports; a school's epidemic office answers its triggers; the designated hospital sees them.
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"emergency.report"}
     for role in (Role.PROVINCE_ADMIN, Role.BUREAU_ADMIN)}
)
PERMISSIONS.update(
    {role: PERMISSIONS[role] | {"emergency.respond"}
     for role in (Role.SCHOOL_ADMIN, Role.OUTBREAK_REPORTER)}
)
PERMISSIONS[Role.HOSPITAL_LIAISON] = PERMISSIONS[Role.HOSPITAL_LIAISON] | {"emergency.view"}
