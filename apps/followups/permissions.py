"""Permissions of follow-ups (apps.access.roles collects them): the people a follow-up is
assigned to (class teachers, unit leads) and the school's epidemic office see and complete
them; bureaus see them; the school admin reassigns them."""

from apps.access.roles import EPIDEMIC_OFFICE, SEE_PEOPLE, Role

PERMISSIONS = {
    "followups.view": SEE_PEOPLE,
    "followups.complete": EPIDEMIC_OFFICE | {Role.UNIT_LEAD, Role.CLASS_TEACHER},
    "followups.assign": {Role.SCHOOL_ADMIN},
}
