"""Menu entries of the set-up pages (apps.web.navigation collects them): each level sees what
it keeps, the province its bureaus, a bureau its schools and hospitals, a school its own."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.access.rules import has_org_perm


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    found = []
    if has_org_perm(user, "orgs.bureaus"):
        found.append(MenuEntry("orgs:bureau_list", pgettext_lazy("orgs", "Bureaus"), "bank"))
    if has_org_perm(user, "orgs.change"):
        found.append(MenuEntry("orgs:school_list", _("School set-up"), "building-gear"))
    if has_org_perm(user, "orgs.hospitals"):
        found.append(MenuEntry("orgs:hospital_list", _("Designated hospitals"), "hospital"))
    if has_org_perm(user, "orgs.schools"):
        found.append(MenuEntry("orgs:readiness", _("Hospital readiness"), "clipboard-check"))
    return found
