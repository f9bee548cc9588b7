"""Menu entries of the emergency pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    entries = []
    if has_org_perm(user, "emergency.view"):
        entries.append(MenuEntry("emergency:triggers", _("Triggers"), "broadcast"))
    if has_org_perm(user, "emergency.report"):
        entries.append(MenuEntry("emergency:reports", _("Case reports"), "megaphone"))
    if has_org_perm(user, "emergency.view"):
        entries += [MenuEntry("emergency:modes", _("Modes"), "toggles"),
                    MenuEntry("emergency:plans", _("Emergency plan"), "clipboard-check")]
    return entries
