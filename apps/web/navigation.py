"""The menu each user sees, from the permissions their roles grant (apps.access.roles).

An entry appears when the user may use the page it leads to; the page itself still reads
through the scoped layer, so the menu only spares people links that would show nothing.
"""

import importlib
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.access.grants import grants_for, has_perm_anywhere


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str
    icon: str  # a bootstrap-icons name


# Each app with pages declares its own entries in apps/<app>/menu.py (`entries(user)`).
APP_MENUS = (
    "apps.health.menu", "apps.gate.menu", "apps.absence.menu", "apps.testing.menu",
    "apps.followups.menu", "apps.emergency.menu", "apps.notifications.menu",
)


def _staff_perm(user, perm: str) -> bool:
    """A permission held above the person level: students, staff and guardians see their own
    record on the home page, not a list of one."""
    return any(perm in g.permissions and g.level != "person" for g in grants_for(user))


def _entries(user) -> list[MenuEntry]:
    entries = [MenuEntry("web:home", _("Home"), "house")]
    if has_perm_anywhere(user, "orgs.view"):
        entries.append(MenuEntry("web:org_tree", _("Organisations"), "diagram-3"))
        entries.append(MenuEntry("policy:index", _("Policy"), "journal-check"))
    if _staff_perm(user, "people.view"):
        entries.append(MenuEntry("web:person_list", _("People"), "people"))
    if has_perm_anywhere(user, "rosters.import"):
        entries.append(MenuEntry("rosters:import", _("Roster import"), "upload"))
    if has_perm_anywhere(user, "travel.declare"):
        entries.append(MenuEntry("travel:choose", _("Declarations"), "airplane"))
    if has_perm_anywhere(user, "risk.view"):
        entries.append(MenuEntry("risk:list", _("Risk areas"), "geo-alt"))
    for module in APP_MENUS:
        entries.extend(importlib.import_module(module).entries(user))
    # Tokens are for gate terminals and integrations, which organisational roles run.
    if any(g.level != "person" for g in grants_for(user)):
        entries.append(MenuEntry("web:token_list", _("API tokens"), "key"))
    return entries


def menu_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    return [
        {
            "url": reverse(e.url_name),
            "label": e.label,
            "icon": e.icon,
            "active": current == e.url_name,
        }
        for e in _entries(user)
    ]


def role_labels(user) -> list[dict]:
    """Each role the user holds and where, for the top bar (deduplicated, in grant order)."""
    from apps.access.roles import Role

    if user is None or not user.is_authenticated:
        return []
    seen, labels = set(), []
    for g in grants_for(user):
        key = (g.role, g.label)
        if key not in seen:
            seen.add(key)
            labels.append({"role": Role(g.role).label, "where": g.label})
    return labels
