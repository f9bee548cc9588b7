"""Permissions of risk areas (apps.access.roles collects them): every organisational role sees
them; the province and the bureaus designate them."""

from apps.access.roles import PERSONAL, REGION_ADMINS, Role

PERMISSIONS = {
    "risk.view": frozenset(Role) - PERSONAL,
    "risk.change": REGION_ADMINS,
}
