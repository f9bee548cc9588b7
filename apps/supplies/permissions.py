"""Permissions of supplies (apps.access.roles collects them): the admins of a school and of
the bureaus above it see its stock and cover; the school's epidemic office (its admin and
outbreak reporter) records what arrives, is used, moved, expired or counted."""

from apps.access.roles import ADMINS, EPIDEMIC_OFFICE

PERMISSIONS = {
    "supplies.view": ADMINS | EPIDEMIC_OFFICE,
    "supplies.manage": EPIDEMIC_OFFICE,
}
