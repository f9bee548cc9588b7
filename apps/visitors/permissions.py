"""Permissions of visitors (apps.access.roles collects them): a staff member hosts visitors
(pre-registers them: their own person record makes them the host); the admins of the school
and above, and the school's gate officers, see the school's visits; the school's admin sees a
visitor's full ID number, access-logged."""

from apps.access.roles import ADMINS, Role

PERMISSIONS = {
    "visitors.host": {Role.SELF},
    "visitors.view": ADMINS | {Role.GATE_OFFICER},
    "visitors.reveal_id": {Role.SCHOOL_ADMIN},
}
