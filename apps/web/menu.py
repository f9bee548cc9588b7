"""Menu entries of the web app's own pages: home, the org tree, the person list, API tokens
(apps.web.navigation collects every app's)."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm, has_org_role, has_perm_anywhere


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    found = [MenuEntry("web:home", _("Home"), "house")]
    if has_perm_anywhere(user, "orgs.view"):
        found.append(MenuEntry("web:org_tree", _("Organisations"), "diagram-3"))
    if has_org_perm(user, "people.view"):
        found.append(MenuEntry("web:person_list", _("People"), "people"))
    # Tokens are for gate terminals and integrations, which organisational roles run.
    if has_org_role(user):
        found.append(MenuEntry("web:token_list", _("API tokens"), "key"))
    return found
