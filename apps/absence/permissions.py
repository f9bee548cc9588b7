"""Permissions of sick absence and clusters (apps.access.roles collects them): the class
teacher, the person, a guardian and the epidemic office report an absence; the class teacher
and the epidemic office follow up its cause; the epidemic office handles cluster alerts;
bureaus and the hospital see them."""

from apps.access.roles import EPIDEMIC_OFFICE, PERSONAL, SEE_PEOPLE, Role

PERMISSIONS = {
    "absence.view": SEE_PEOPLE | PERSONAL | {Role.HOSPITAL_LIAISON},
    "absence.report": EPIDEMIC_OFFICE | PERSONAL | {Role.CLASS_TEACHER},
    "absence.followup": EPIDEMIC_OFFICE | {Role.CLASS_TEACHER},
    "clusters.handle": EPIDEMIC_OFFICE,
}
