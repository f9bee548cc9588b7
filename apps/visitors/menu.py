"""Menu entry of visitors (apps.web.navigation collects it): for hosts, admins and gates."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm, has_perm_at


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    if has_org_perm(user, "visitors.view") or has_perm_at(user, "visitors.host", ("person",)):
        return [MenuEntry("visitors:list", _("Visitors"), "person-badge")]
    return []
