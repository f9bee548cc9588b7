"""Permissions of approvals (apps.access.roles collects them). Those who look after people
see the requests of their scope, a person and their guardians their own; a person asks for
themselves; each level of the approver chain (apps.approvals.chain) decides with its own
permission, so a request is decided only by the level it waits for."""

from apps.access.roles import PERSONAL, REGION_ADMINS, SEE_PEOPLE, Role

PERMISSIONS = {
    "approvals.view": SEE_PEOPLE | PERSONAL,
    "approvals.request": {Role.SELF},
    "approvals.decide_class": {Role.CLASS_TEACHER},
    "approvals.decide_school": {Role.SCHOOL_ADMIN},
    "approvals.decide_bureau": REGION_ADMINS,
}
