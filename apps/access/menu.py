"""Menu entries of the access app's pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    found = []
    if has_org_perm(user, "access.manage_roles"):
        found.append(MenuEntry("access:roles", _("Roles"), "person-badge"))
    if has_org_perm(user, "access.view_log"):
        found.append(MenuEntry("access:log", _("Access log"), "eye"))
    return found
