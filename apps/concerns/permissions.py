"""Permissions of concerns (诉求; apps.access.roles collects them): a person under a
restriction, or their guardian, raises a concern for themselves or their child and reads it;
the admins above the school and the class teacher read the concerns of their scope; a
school's admin names who answers. The person a concern is on answers it too, whatever role
they hold (apps.concerns.selectors.may_answer)."""

from apps.access.roles import ADMINS, PERSONAL, Role

PERMISSIONS = {
    "concerns.view": ADMINS | PERSONAL | {Role.CLASS_TEACHER},
    "concerns.raise": PERSONAL,
    "concerns.assign": {Role.SCHOOL_ADMIN},
}
