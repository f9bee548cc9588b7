"""Menu entries of the daily health pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _

from apps.access.grants import grants_for


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    grants = grants_for(user)
    levels = {g.level for g in grants if "health.view" in g.permissions}
    found = []
    if any("health.checkin" in g.permissions for g in grants):
        found.append(MenuEntry("health:checkin", _("Daily check-in"), "thermometer-half"))
    if levels & {"klass", "unit", "school"}:
        found.append(MenuEntry("health:teacher", _("Class check-ins"), "list-check"))
    if levels & {"unit", "school"}:
        found.append(MenuEntry("health:school", _("Check-in completion"), "bar-chart"))
    if "region" in levels:
        found.append(MenuEntry("health:bureau", _("Check-in completion"), "bar-chart"))
    if levels - {"person"}:
        found.append(MenuEntry("health:abnormal", _("Abnormal check-ins"), "activity"))
    return found
