"""Menu entries of the emergency pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _

from apps.access.grants import grants_for


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    if any("emergency.view" in g.permissions and g.level != "person" for g in grants_for(user)):
        return [MenuEntry("emergency:modes", _("Modes"), "toggles")]
    return []
