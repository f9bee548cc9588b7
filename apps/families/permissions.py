"""Permissions of guardians' binding (apps.access.roles collects them). Those who look after
a class issue its binding codes; the class teacher (or the school's admin, for a student in
no class) confirms a guardian; a guardian keeps their child's household
through people.household (apps/people/permissions.py)."""

from apps.access.roles import ADMINS, Role

PERMISSIONS = {
    "families.issue": ADMINS | {Role.UNIT_LEAD, Role.CLASS_TEACHER},
    "families.confirm": {Role.SCHOOL_ADMIN, Role.CLASS_TEACHER},
    "families.settings": {Role.SCHOOL_ADMIN},
}
