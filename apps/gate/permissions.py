"""Permissions of gate checks (apps.access.roles collects them): the gate officer asks for
verdicts and sees nothing else (no lists, no details); the school's epidemic office may
override a stop with a reason; schools and bureaus see the checks and the stops."""

from apps.access.roles import EPIDEMIC_OFFICE, REGION_ADMINS, Role

PERMISSIONS = {
    "gate.verdict": {Role.GATE_OFFICER},
    "gate.view": REGION_ADMINS | EPIDEMIC_OFFICE,
    "gate.override": EPIDEMIC_OFFICE,
}
