"""Permissions of the access app itself (apps.access.roles collects them)."""

from apps.access.roles import ADMINS

PERMISSIONS = {
    "access.view_log": ADMINS,
    "access.manage_roles": ADMINS,
}
