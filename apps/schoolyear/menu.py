"""Menu entry of the rollover page (apps.web.navigation collects it): whoever sets up a
school's structure rolls it over."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    if has_org_perm(user, "orgs.change"):
        return [MenuEntry("schoolyear:rollover", _("School-year rollover"), "calendar-check")]
    return []
