"""Permissions of stored statuses (apps.access.roles collects them): those who see a person
see their status and its reasons; a gate officer reads only what a verdict needs (category,
end date, whether it is current). A "regimen not completed" mark is cleared by a decision of
those who complete the person's follow-ups (apps.followups: class teacher, unit lead, the
school's epidemic office)."""

from apps.access.roles import EPIDEMIC_OFFICE, PERSONAL, SEE_PEOPLE, Role

PERMISSIONS = {
    "status.view": SEE_PEOPLE | PERSONAL,
    "status.gate": {Role.GATE_OFFICER},
    "status.clear_mark": EPIDEMIC_OFFICE | {Role.UNIT_LEAD, Role.CLASS_TEACHER},
}
