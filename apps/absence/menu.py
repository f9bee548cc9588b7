"""Menu entries of the sick absence pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm, has_perm_anywhere


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    found = []
    if has_perm_anywhere(user, "absence.report"):
        found.append(MenuEntry("absence:register", _("Report sick absence"), "thermometer-half"))
    if has_org_perm(user, "absence.view"):
        found.append(MenuEntry("absence:list", _("Sick absences"), "clipboard2-pulse"))
        found.append(MenuEntry("absence:clusters", _("Cluster alerts"), "exclamation-triangle"))
    return found
