"""Every "may this user ..." question, answered from the user's grants (apps.access.grants).

A permission is declared with the roles that hold it in `apps/<app>/permissions.py`; a user
holds it through a grant (a role on a node, or a school's task force). Menus, views,
selectors and services ask their yes-or-no questions here rather than walking the grants
(code that builds a filter or a page from the grants, such as core.scoping, still reads them):

- `has_perm_anywhere(user, perm)`: on any grant (the menu entry that leads to a scoped page);
- `has_org_perm(user, perm)`: on a grant above the person level (a role on a class, unit,
  school, hospital or region), not only on one's own record or a child's;
- `has_perm_at(user, perm, levels)`: on a grant of one of those levels (a bureau's page);
- `has_org_role(user)`: holds an organisational role at all (tokens are for those);
- `school_ids_granted(user, perm)`: the schools it is held on by a school-level grant;
- `may(user, perm, model, pk)`: the permission covers that row (the scoped queryset decides);
  `may_any(user, perms, model, pk)`: one of them does;
- `may_in_region(user, perm, region_code, within=...)`: a region grant covers that region.

Reading lists stays `Model.objects.restrict(user, perm)` (apps.core.scoping).
"""

from collections.abc import Callable

from apps.access.grants import TASK_FORCE_ROLES, grants_for, has_perm_anywhere

__all__ = ["has_org_perm", "has_org_role", "has_perm_anywhere", "has_perm_at", "may",
           "may_any", "may_in_region", "school_ids_granted"]


def _organisational(grant) -> bool:
    return grant.level != "person" and grant.role not in TASK_FORCE_ROLES


def has_org_perm(user, perm: str) -> bool:
    """The permission held above the person level: students, staff and guardians see their
    own record (or their child's), not a list of one."""
    if not (user and user.is_authenticated):
        return False
    return any(perm in g.permissions and g.level != "person" for g in grants_for(user))


def has_perm_at(user, perm: str, levels) -> bool:
    """The permission held on a grant of one of these levels ("region", "school", ...)."""
    if not (user and user.is_authenticated):
        return False
    return any(perm in g.permissions and g.level in levels for g in grants_for(user))


def has_org_role(user) -> bool:
    """Any role above the person level (a task force's membership is not one)."""
    if not (user and user.is_authenticated):
        return False
    return any(_organisational(g) for g in grants_for(user))


def school_ids_granted(user, perm: str) -> frozenset[int]:
    """The schools on which the user holds the permission through a school-level grant (the
    roles held on a school), read from the grants: no query."""
    if not (user and user.is_authenticated):
        return frozenset()
    return frozenset(sid for g in grants_for(user) if perm in g.permissions
                     and g.level == "school" for sid in g.school_ids)


def may(user, perm: str, model, pk) -> bool:
    """Whether `model.objects.restrict(user, perm)` holds the row `pk` (one query)."""
    return model.objects.restrict(user, perm).filter(pk=pk).exists()


def may_any(user, perms, model, pk) -> bool:
    """Whether any of `perms` covers the row `pk` (a query per permission, until one does)."""
    return any(may(user, perm, model, pk) for perm in perms)


def may_in_region(user, perm: str, region_code: str, *, within: Callable[[str, str], bool],
                  beyond_province: bool = False) -> bool:
    """Whether a region grant carrying `perm` covers the region `region_code`: the grant's
    region is it or lies above it (`within(code, area)`, the caller's rule of descent). With
    `beyond_province`, a grant on the province covers any region, other provinces' too (case
    reports and risk areas come from elsewhere)."""
    if not (user and user.is_authenticated):
        return False
    for g in grants_for(user):
        if perm not in g.permissions or g.level != "region":
            continue
        if beyond_province and g.region_level == "province":
            return True
        if within(region_code, g.region_code):
            return True
    return False
