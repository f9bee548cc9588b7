"""Permissions of staff accounts (apps.access.roles collects them): the admins create a
school's staff accounts, print their activation codes, reset and deactivate them, each only
below themselves (apps.accounts.services.account_managed, by apps.access.delegation)."""

from apps.access.roles import ADMINS

PERMISSIONS = {
    "accounts.manage": ADMINS,
}
