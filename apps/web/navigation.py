"""The menu each user sees, from the permissions their roles grant (apps.access.roles).

An entry appears when the user may use the page it leads to; the page itself still reads
through the scoped layer, so the menu only spares people links that would show nothing.
"""

import importlib
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.access.grants import role_grants
from apps.access.rules import has_org_perm, has_org_role, has_perm_anywhere


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


def _entries(user) -> list[MenuEntry]:
    entries = [MenuEntry("web:home", _("Home"), "house")]
    if has_perm_anywhere(user, "orgs.view"):
        entries.append(MenuEntry("web:org_tree", _("Organisations"), "diagram-3"))
        entries.append(MenuEntry("policy:index", _("Policy"), "journal-check"))
    if has_org_perm(user, "people.view"):
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
    if has_org_role(user):
        entries.append(MenuEntry("web:token_list", _("API tokens"), "key"))
    return entries


# The menu is grouped so that some twenty pages fit in one bar: each entry's section comes
# from its URL name (or its app's namespace); a section with one entry shows as a plain link.
SECTIONS = (
    ("people", _("People"), "people", ("web:org_tree", "web:person_list", "rosters",
                                       "travel")),
    ("daily", _("Daily"), "thermometer-half", ("health", "gate", "absence", "followups")),
    ("emergency", _("Emergency"), "broadcast", ("emergency", "risk")),
    ("testing", _("Testing"), "clipboard2-pulse", ("testing",)),
    ("settings", _("Settings"), "gear", ("policy", "web:token_list", "notifications")),
)


def _section_of(url_name: str) -> str:
    namespace = url_name.split(":")[0]
    for key, _label, _icon, members in SECTIONS:
        if url_name in members or namespace in members:
            return key
    return ""


def menu_for(request) -> list[dict]:
    """Top-level items: a link ({"url", "label", "icon", "active"}) or a section with its
    links ({"section", "label", "icon", "active", "entries"})."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    links: dict[str, list[dict]] = {}
    for e in _entries(user):
        link = {"url": reverse(e.url_name), "label": e.label, "icon": e.icon,
                "active": current == e.url_name}
        links.setdefault(_section_of(e.url_name), []).append(link)
    items = list(links.pop("", []))
    for key, label, icon, _members in SECTIONS:
        entries = links.get(key, [])
        if len(entries) == 1:
            items.append(entries[0])
        elif entries:
            items.append({"section": key, "label": label, "icon": icon, "entries": entries,
                          "active": any(e["active"] for e in entries)})
    return items


def role_labels(user) -> list[dict]:
    """Each role the user holds and where, for the top bar (deduplicated, in grant order)."""
    from apps.access.roles import Role

    if user is None or not user.is_authenticated:
        return []
    seen, labels = set(), []
    for g in role_grants(user):
        key = (g.role, g.label)
        if key not in seen:
            seen.add(key)
            labels.append({"role": Role(g.role).label, "where": g.label})
    return labels
