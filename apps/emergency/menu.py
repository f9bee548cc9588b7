"""Menu entries of the emergency pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _

from apps.access.grants import grants_for


def _held(user, perm: str) -> bool:
    return any(perm in g.permissions and g.level != "person" for g in grants_for(user))


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    entries = []
    if _held(user, "emergency.view"):
        entries.append(MenuEntry("emergency:triggers", _("Triggers"), "broadcast"))
    if _held(user, "emergency.report"):
        entries.append(MenuEntry("emergency:reports", _("Case reports"), "megaphone"))
    if _held(user, "emergency.view"):
        entries += [MenuEntry("emergency:modes", _("Modes"), "toggles"),
                    MenuEntry("emergency:plans", _("Emergency plan"), "clipboard-check")]
    return entries
