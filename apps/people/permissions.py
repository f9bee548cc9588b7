"""Permissions of people (apps.access.roles collects them). A bureau sees people but does not
edit rosters; a person and a guardian see their own record and its personal code."""

from apps.access.roles import ADMINS, PERSONAL, SEE_PEOPLE, Role

PERMISSIONS = {
    "people.view": SEE_PEOPLE | PERSONAL,
    "people.change": {Role.PROVINCE_ADMIN, Role.SCHOOL_ADMIN, Role.CLASS_TEACHER},
    "people.reveal_id": ADMINS,
    "people.history": ADMINS,
    "people.code": PERSONAL,
}
