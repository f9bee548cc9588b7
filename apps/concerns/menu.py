"""Menu entries of concerns (apps.web.navigation collects them): the school's (or the
bureau's) list for admins and class teachers; "my concerns" for those who may raise one and
for anyone a concern is on."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm, has_perm_at


def entries(user) -> list:
    from apps.concerns.models import Concern
    from apps.web.navigation import MenuEntry

    found = []
    if has_org_perm(user, "concerns.view"):
        found.append(MenuEntry("concerns:list", _("Concerns"), "chat-heart"))
    if (has_perm_at(user, "concerns.raise", ("person",))
            or Concern.objects.filter(assignee_id=user.pk).exists()):
        found.append(MenuEntry("concerns:mine", _("My concerns"), "chat-left-heart"))
    return found
