"""Menu entries of isolation (apps.web.navigation collects them): the isolations and rooms
of the user's scope, for those who see them; the rooms for those who keep them."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    found = []
    if has_org_perm(user, "isolation.view"):
        found.append(MenuEntry("isolation:list", _("Isolation and care"), "house-heart"))
    if has_org_perm(user, "isolation.manage"):
        found.append(MenuEntry("isolation:rooms", _("Isolation rooms"), "door-closed"))
    return found
