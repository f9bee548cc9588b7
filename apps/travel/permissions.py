"""Permissions of declarations (报备) (apps.access.roles collects them): the roles that see
people see them; the person, a guardian, the class teacher and the school's epidemic office
declare them."""

from apps.access.roles import PERSONAL, SEE_PEOPLE, Role

PERMISSIONS = {
    "travel.view": SEE_PEOPLE | PERSONAL,
    "travel.declare": {Role.SCHOOL_ADMIN, Role.CLASS_TEACHER} | PERSONAL,
}
