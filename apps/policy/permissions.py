"""Permissions of policy packs (apps.access.roles collects them): the province admin chooses
the pack; admins tighten parameters for their subtree."""

from apps.access.roles import ADMINS, Role

PERMISSIONS = {
    "policy.choose": {Role.PROVINCE_ADMIN},
    "policy.tighten": ADMINS,
}
