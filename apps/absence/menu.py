"""Menu entries of the sick absence pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _

from apps.access.grants import grants_for, has_perm_anywhere


def _organisational(user, perm: str) -> bool:
    return any(perm in g.permissions and g.level != "person" for g in grants_for(user))


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    found = []
    if has_perm_anywhere(user, "absence.report"):
        found.append(MenuEntry("absence:register", _("Report sick absence"), "thermometer-half"))
    if _organisational(user, "absence.view"):
        found.append(MenuEntry("absence:list", _("Sick absences"), "clipboard2-pulse"))
        found.append(MenuEntry("absence:clusters", _("Cluster alerts"), "exclamation-triangle"))
    return found
