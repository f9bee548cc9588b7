"""Menu entries of the follow-ups pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_perm_anywhere, has_perm_at


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    items = []
    if has_perm_anywhere(user, "followups.complete"):
        items.append(MenuEntry("followups:mine", _("My follow-ups"), "list-check"))
    # The whole list for those who watch a school or a region, not one class or unit.
    if has_perm_at(user, "followups.view", ("school", "region")):
        items.append(MenuEntry("followups:list", _("Follow-ups"), "clipboard2-pulse"))
    return items
