"""Menu entries of supervision (apps.web.navigation collects them): inspections for the
admins of schools and the bureaus above them; rectifications for them and for anyone a
finding is on."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm


def entries(user) -> list:
    from apps.supervision.models import Rectification
    from apps.web.navigation import MenuEntry

    found = []
    if has_org_perm(user, "supervision.view"):
        found.append(MenuEntry("supervision:list", _("Inspections"), "clipboard-check"))
    if found or Rectification.objects.filter(assignee_id=user.pk).exists():
        found.append(MenuEntry("supervision:rectifications", _("Rectifications"), "tools"))
    return found
