"""Menu entries of guardians' binding (apps.web.navigation collects them): those over a class
print its codes and decide on requests; a guardian binds children and keeps households."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_org_perm, has_org_role, has_perm_anywhere


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    found = []
    if has_org_perm(user, "families.issue"):
        found.append(MenuEntry("families:codes", _("Binding codes"), "qr-code"))
    if has_org_perm(user, "families.confirm"):
        found.append(MenuEntry("families:pending", _("Guardian requests"), "person-check"))
    # A guardian, or an account with no role yet (one just signed up, waiting for the class
    # teacher), finds its children and requests here.
    guardian = (has_perm_anywhere(user, "people.household")
                and not has_org_perm(user, "people.household"))
    if guardian or not (has_org_role(user) or has_perm_anywhere(user, "people.code")):
        found.append(MenuEntry("families:mine", _("My children"), "house-heart"))
    return found
