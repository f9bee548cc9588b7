"""Menu entry of transfers (apps.web.navigation collects it): the admins of schools and the
bureaus above them."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    if has_org_perm(user, "transfers.view"):
        return [MenuEntry("transfers:list", _("Transfers"), "arrow-left-right")]
    return []
