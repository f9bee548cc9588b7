"""Menu entry of the delivery point (apps.web.navigation collects it): for the admins and
epidemic office of a school and the bureaus above it."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    if has_org_perm(user, "parcels.view"):
        return [MenuEntry("parcels:list", _("Deliveries"), "box2")]
    return []
