"""The one place where a user's scope becomes a query filter (netbox's RestrictedQuerySet).

Every list, detail, export, page and endpoint reads through `Model.objects.restrict(user,
perm)`. A model says how it hangs on the org tree in `scope_fields`:

    "region":   path prefix to something with province_code/city_code/county_code
    "hospital": path to the designated hospital's id
    "school" / "unit" / "klass" / "person": path to that node's id

A grant (a role on a node, see apps.access.grants) on a level the model does not name is
applied at the nearest coarser level the model does name (a class teacher sees their own
school's record, not the other classes in it). A grant whose level and all coarser levels
are unknown to the model gives nothing. No grant with the permission gives nothing.

Core knows no domain: the app that owns accounts and roles (access) gives core a user's
grants by registering a provider at start-up, `set_grants_provider(grants_for)` in its
`AppConfig.ready()`. A grant is any object with `level`, `permissions`, `ids_at(level)`,
`person_ids`, `hospital_id`, `region_level` and `region_code`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

# From finest to coarsest: the order in which a grant falls back.
LEVELS = ("person", "klass", "unit", "school", "region")
NOTHING = Q(pk__in=[])

_grants_provider: Callable[[object], Iterable] | None = None


def set_grants_provider(provider: Callable[[object], Iterable] | None) -> None:
    """Register the function that lists a user's grants (access does, at start-up)."""
    global _grants_provider
    _grants_provider = provider


def _grants(user) -> Iterable:
    if _grants_provider is None:
        raise ImproperlyConfigured(
            "core.scoping has no grants provider: the app that owns grants must call "
            "apps.core.scoping.set_grants_provider(fn) in its AppConfig.ready() "
            "(is apps.access in INSTALLED_APPS?)"
        )
    return _grants_provider(user)


def _deciding_level(model: type[models.Model], grant) -> str | None:
    """The level of the model's scope at which the grant is decided, or None (nothing)."""
    fields: dict[str, str] = model.scope_fields
    if grant.level == "hospital":
        return "hospital" if "hospital" in fields else None
    for level in LEVELS[LEVELS.index(grant.level) :]:
        if level in fields and (level != "region" or grant.level == "region"):
            return level
    return None


def grant_filter(model: type[models.Model], grant) -> Q:
    level = _deciding_level(model, grant)
    if level is None:
        return NOTHING
    path = model.scope_fields[level]
    if level == "hospital":
        return Q(**{path: grant.hospital_id})
    if level == "region":
        return Q(**{f"{path}{grant.region_level}_code": grant.region_code})
    if level == "person":
        return Q(**{f"{path}__in": grant.person_ids})
    ids = grant.ids_at(level)
    if not ids:
        return NOTHING
    school_path = model.scope_fields.get("school")
    lookup = Q(**{f"{path}__in": ids})
    # Keep the school id in the filter so a sharded table is read on one shard.
    if school_path and level != "school":
        lookup &= Q(**{f"{school_path}__in": grant.ids_at("school")})
    return lookup


@dataclass(frozen=True)
class RowScope:
    """Where one row hangs on the org tree, read by hand-written SQL on a hot path: the
    values `grant_filter`'s paths would reach for that row."""

    school: int
    unit: int | None = None
    klass: int | None = None
    person: int | None = None
    hospital: int | None = None
    region: dict = field(default_factory=dict)  # province/city/county -> code


def grant_covers(model: type[models.Model], grant, row: RowScope) -> bool:
    """What `grant_filter(model, grant)` decides for one row, without a query."""
    level = _deciding_level(model, grant)
    if level is None:
        return False
    if level == "hospital":
        return row.hospital == grant.hospital_id
    if level == "region":
        return row.region.get(grant.region_level) == grant.region_code
    if level == "person":
        return row.person in grant.person_ids
    ids = grant.ids_at(level)
    covered = getattr(row, level) in ids
    if "school" in model.scope_fields and level != "school":
        covered = covered and row.school in grant.ids_at("school")
    return covered


def permits(user, perm: str, model: type[models.Model], row: RowScope) -> bool:
    """Whether `model.objects.restrict(user, perm)` would hold this row: for the hot paths
    that read one row by hand (apps.core.db) instead of through the ORM."""
    return any(grant_covers(model, g, row) for g in _granted(user, perm))


def _granted(user, perm: str) -> list:
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    return [g for g in _grants(user) if perm in g.permissions]


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, perm: str) -> "ScopedQuerySet":
        grants = _granted(user, perm)
        if not grants:
            return self.none()
        return self.filter(reduce(or_, (grant_filter(self.model, g) for g in grants)))
