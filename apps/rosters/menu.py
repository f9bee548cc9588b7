"""Menu entries of the roster import pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_perm_anywhere


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    if has_perm_anywhere(user, "rosters.import"):
        return [MenuEntry("rosters:import", _("Roster import"), "upload")]
    return []
