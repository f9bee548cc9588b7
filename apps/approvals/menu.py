"""Menu entries of approvals (apps.web.navigation collects them): a person's own requests,
and the inbox of those who decide some."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm, has_perm_at
from apps.approvals.selectors import DECIDE, REQUEST


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    found = []
    if has_perm_at(user, REQUEST, ("person",)):
        found.append(MenuEntry("approvals:list", _("My requests"), "send"))
    if any(has_org_perm(user, perm) for perm in DECIDE.values()):
        found.append(MenuEntry("approvals:inbox", _("Approvals to decide"), "inbox"))
    return found
