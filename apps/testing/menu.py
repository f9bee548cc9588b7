"""Menu entries of the testing pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _


def entries(user) -> list:
    from apps.access.grants import has_perm_anywhere
    from apps.web.navigation import MenuEntry

    found = []
    if has_perm_anywhere(user, "testing.view"):
        found.append(MenuEntry("testing:results", _("Test results"), "clipboard2-pulse"))
    if has_perm_anywhere(user, "testing.results"):
        found.append(MenuEntry("testing:results_import", _("Import lab results"),
                               "file-earmark-medical"))
    if has_perm_anywhere(user, "testing.view") or has_perm_anywhere(user, "testing.manage"):
        found.append(MenuEntry("testing:rounds", _("Testing rounds"), "calendar2-week"))
    if has_perm_anywhere(user, "testing.sample"):
        found.append(MenuEntry("testing:station_home", _("Sampling station"), "upc-scan"))
    return found
