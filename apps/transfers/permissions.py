"""Permissions of transfers (apps.access.roles collects them). Admins see the transfers that
touch their schools (a bureau those of its area); a school admin requests one for a student
of theirs, and the receiving school's admin accepts or refuses it."""

from apps.access.roles import ADMINS, Role

PERMISSIONS = {
    "transfers.view": ADMINS,
    "transfers.manage": {Role.SCHOOL_ADMIN},
}
