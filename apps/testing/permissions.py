"""Permissions of testing (apps.access.roles collects them): the school's epidemic office runs
rounds; samplers scan; the lab (through the designated hospital's liaison or a token) and the
school import results."""

from apps.access.roles import EPIDEMIC_OFFICE, SEE_PEOPLE, Role

PERMISSIONS = {
    "testing.view": SEE_PEOPLE | {Role.HOSPITAL_LIAISON},
    "testing.manage": EPIDEMIC_OFFICE,
    "testing.sample": {Role.SAMPLER},
    "testing.results": {Role.SCHOOL_ADMIN, Role.HOSPITAL_LIAISON},
}
