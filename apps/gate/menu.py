"""Menu entries of the gate pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _

from apps.access.grants import has_perm_anywhere


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    found = []
    if has_perm_anywhere(user, "gate.verdict"):
        found.append(MenuEntry("gate:kiosk", _("Gate check"), "upc-scan"))
    if has_perm_anywhere(user, "gate.view"):
        found.append(MenuEntry("gate:checks", _("Gate checks"), "door-open"))
        found.append(MenuEntry("gate:stops", _("Gate stops"), "bar-chart"))
        found.append(MenuEntry("gate:overrides", _("Gate overrides"), "shield-exclamation"))
    return found
