"""Permissions of daily health (apps.access.roles collects them): a person, a guardian or the
class teacher checks in; those who look after people see the completion, late and missing
lists and the abnormal ones."""

from apps.access.roles import PERSONAL, SEE_PEOPLE, Role

PERMISSIONS = {
    "health.view": SEE_PEOPLE,
    "health.checkin": {Role.SCHOOL_ADMIN, Role.CLASS_TEACHER} | PERSONAL,
}
