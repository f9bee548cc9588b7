"""The menu each user sees, from the permissions their roles grant (apps.access.roles).

Each installed app with pages declares its entries in its own `menu.py` (`entries(user)`,
asking apps.access.rules); this module finds them and groups them in SECTIONS.

An entry appears when the user may use the page it leads to; the page itself still reads
through the scoped layer, so the menu only spares people links that would show nothing.
"""

import importlib
import importlib.util
from dataclasses import dataclass
from functools import cache

from django.apps import apps as django_apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.access.grants import role_grants


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str
    icon: str  # a bootstrap-icons name


@cache
def _app_menus() -> tuple:
    """The `menu` module of every installed app under apps/ that has one, in INSTALLED_APPS
    order (each app with pages declares its entries there: `entries(user)`)."""
    names = [f"{c.name}.menu" for c in django_apps.get_app_configs()
             if c.name.startswith("apps.")]
    return tuple(importlib.import_module(n) for n in names if importlib.util.find_spec(n))


def _entries(user) -> list[MenuEntry]:
    entries = []
    for module in _app_menus():
        entries.extend(module.entries(user))
    return entries


# The menu is grouped so that some twenty pages fit in one bar: each entry's section comes
# from its URL name (or its app's namespace); a section with one entry shows as a plain link.
# Inside a section, entries come in the order of its members (one app's in its own order).
SECTIONS = (
    ("people", _("People"), "people", ("web:org_tree", "orgs", "access:roles", "accounts",
                                       "schoolyear", "web:person_list", "transfers", "rosters",
                                       "families", "travel")),
    ("daily", _("Daily"), "thermometer-half", ("health", "gate", "absence", "followups",
                                               "reports", "supervision", "concerns",
                                               "isolation", "supplies", "parcels",
                                               "disinfection", "approvals", "visitors")),
    ("emergency", _("Emergency"), "broadcast", ("risk", "emergency")),
    ("testing", _("Testing"), "clipboard2-pulse", ("testing",)),
    ("settings", _("Settings"), "gear", ("policy", "notifications", "web:token_list",
                                         "access")),
)


def _section_of(url_name: str) -> tuple[str, int]:
    """The entry's section and its member's place in it ("" and 0: no section)."""
    namespace = url_name.split(":")[0]
    for key, _label, _icon, members in SECTIONS:
        for place, member in enumerate(members):
            if member in (url_name, namespace):
                return key, place
    return "", 0


def menu_for(request) -> list[dict]:
    """Top-level items: a link ({"url", "label", "icon", "active"}) or a section with its
    links ({"section", "label", "icon", "active", "entries"})."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    links: dict[str, list[tuple[int, dict]]] = {}
    for e in _entries(user):
        link = {"url": reverse(e.url_name), "label": e.label, "icon": e.icon,
                "active": current == e.url_name}
        section, place = _section_of(e.url_name)
        links.setdefault(section, []).append((place, link))
    links = {key: [link for _place, link in sorted(found, key=lambda pair: pair[0])]
             for key, found in links.items()}
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
