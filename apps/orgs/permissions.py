"""Permissions of the org tree (apps.access.roles collects them)."""

from apps.access.roles import ADMINS, SEE_PEOPLE, Role

PERMISSIONS = {
    "orgs.view": SEE_PEOPLE | {Role.HOSPITAL_LIAISON},
    "orgs.change": ADMINS,
}
