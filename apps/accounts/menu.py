"""Menu entry of staff accounts (apps.web.navigation collects it)."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    if has_org_perm(user, "accounts.manage"):
        return [MenuEntry("accounts:home", _("Staff accounts"), "person-lock")]
    return []
