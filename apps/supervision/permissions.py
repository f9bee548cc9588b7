"""Permissions of supervision (apps.access.roles collects them): the province and the bureaus
inspect the schools of their area (plan, perform, verify or reopen); every admin reads the
inspections of their schools; a school's admin names who rectifies a finding and answers it.
The person a rectification is on answers it too, whatever role they hold
(apps.supervision.selectors.rectification_for_answer)."""

from apps.access.roles import ADMINS, REGION_ADMINS, Role

PERMISSIONS = {
    "supervision.view": ADMINS,
    "supervision.inspect": REGION_ADMINS,
    "supervision.rectify": {Role.SCHOOL_ADMIN},
}
