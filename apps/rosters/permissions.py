"""Permissions of roster import and export (apps.access.roles collects them). The
organisational roles that see lists export them, within the same scope; a person or a guardian
has no list to export. The school's epidemic office imports for the whole school, a class
teacher for their own class; the people's own scope still decides which rows they may write."""

from apps.access.roles import SEE_PEOPLE, Role

PERMISSIONS = {
    "rosters.export": SEE_PEOPLE,
    "rosters.import": {Role.SCHOOL_ADMIN, Role.CLASS_TEACHER},
}
