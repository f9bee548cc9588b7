"""Permissions of isolation (apps.access.roles collects them). Those who look after people
see the isolations of their scope, a person and their guardians their own; the school's
epidemic office opens, extends and closes isolations and keeps the isolation rooms; the
staff who look after the person (the class teacher, the unit lead, the epidemic office)
record the daily care visit, refer to psychological support and arrange online study."""

from apps.access.roles import EPIDEMIC_OFFICE, PERSONAL, SEE_PEOPLE, Role

PERMISSIONS = {
    "isolation.view": SEE_PEOPLE | PERSONAL,
    "isolation.manage": EPIDEMIC_OFFICE,
    "isolation.care": EPIDEMIC_OFFICE | {Role.CLASS_TEACHER, Role.UNIT_LEAD},
}
