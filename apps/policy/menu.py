"""Menu entries of the policy pages (apps.web.navigation collects them)."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_perm_anywhere


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    if has_perm_anywhere(user, "orgs.view"):
        return [MenuEntry("policy:index", _("Policy"), "journal-check")]
    return []
