"""Permissions of stored statuses (apps.access.roles collects them): those who see a person
see their status and its reasons; a gate officer reads only what a verdict needs (category,
end date, whether it is current)."""

from apps.access.roles import PERSONAL, SEE_PEOPLE, Role

PERMISSIONS = {
    "status.view": SEE_PEOPLE | PERSONAL,
    "status.gate": {Role.GATE_OFFICER},
}
