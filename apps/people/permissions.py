"""Permissions of people (apps.access.roles collects them). A bureau sees people but does not
edit rosters; a person and a guardian see their own record and its personal code."""

from apps.access.roles import ADMINS, PERSONAL, SEE_PEOPLE, Role

PERMISSIONS = {
    "people.view": SEE_PEOPLE | PERSONAL,
    "people.change": {Role.PROVINCE_ADMIN, Role.SCHOOL_ADMIN, Role.CLASS_TEACHER},
    # A child's co-residents: those who change people, and the child's guardian (the class
    # teacher sees each change, apps.families).
    "people.household": {Role.PROVINCE_ADMIN, Role.SCHOOL_ADMIN, Role.CLASS_TEACHER,
                         Role.GUARDIAN},
    "people.reveal_id": ADMINS,
    "people.history": ADMINS,
    "people.code": PERSONAL,
    # Full phone numbers (of the person and their household), for those who must call: a
    # class teacher for their class, the outbreak reporter, the task force (its grant, in
    # apps/emergency/permissions.py), and the person or guardian their own. Others see them
    # masked, as in lists.
    "people.call": {Role.CLASS_TEACHER, Role.OUTBREAK_REPORTER} | PERSONAL,
}
