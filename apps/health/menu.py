"""Menu entries of the daily health pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm, has_perm_anywhere, has_perm_at

VIEW = "health.view"


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    found = []
    if has_perm_anywhere(user, "health.checkin"):
        found.append(MenuEntry("health:checkin", _("Daily check-in"), "thermometer-half"))
    if has_perm_at(user, VIEW, ("klass", "unit", "school")):
        found.append(MenuEntry("health:teacher", _("Class check-ins"), "list-check"))
    if has_perm_at(user, VIEW, ("unit", "school")):
        found.append(MenuEntry("health:school", _("Check-in completion"), "bar-chart"))
    if has_perm_at(user, VIEW, ("region",)):
        found.append(MenuEntry("health:bureau", _("Check-in completion"), "bar-chart"))
    if has_org_perm(user, VIEW):
        found.append(MenuEntry("health:abnormal", _("Abnormal check-ins"), "activity"))
    return found
