"""Permissions of the divisions (apps.access.roles collects them)."""

from apps.access.roles import Role

PERMISSIONS = {
    "regions.change": {Role.PROVINCE_ADMIN},
}
