"""Menu entries of the risk area pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_perm_anywhere


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    if has_perm_anywhere(user, "risk.view"):
        return [MenuEntry("risk:list", _("Risk areas"), "geo-alt")]
    return []
