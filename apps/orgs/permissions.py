"""Permissions of the org tree (apps.access.roles collects them). Each level keeps what is
its own: the province its bureaus, a bureau its register of schools and the designated
hospitals in its area, a school its units, classes and dorm rooms (admins above may too)."""

from apps.access.roles import ADMINS, REGION_ADMINS, SEE_PEOPLE, Role

PERMISSIONS = {
    "orgs.view": SEE_PEOPLE | {Role.HOSPITAL_LIAISON},
    "orgs.change": ADMINS,
    "orgs.schools": REGION_ADMINS,
    "orgs.bureaus": {Role.PROVINCE_ADMIN},
    "orgs.hospitals": REGION_ADMINS,
}
