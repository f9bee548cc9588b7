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
"""

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q

# From finest to coarsest: the order in which a grant falls back.
LEVELS = ("person", "klass", "unit", "school", "region")
NOTHING = Q(pk__in=[])


def grant_filter(model: type[models.Model], grant) -> Q:
    fields: dict[str, str] = model.scope_fields
    if grant.level == "hospital":
        return Q(**{fields["hospital"]: grant.hospital_id}) if "hospital" in fields else NOTHING
    for level in LEVELS[LEVELS.index(grant.level) :]:
        if level not in fields or (level == "region" and grant.level != "region"):
            continue
        path = fields[level]
        if level == "region":
            return Q(**{f"{path}{grant.region_level}_code": grant.region_code})
        if level == "person":
            return Q(**{f"{path}__in": grant.person_ids})
        ids = grant.ids_at(level)
        if not ids:
            return NOTHING
        school_path = fields.get("school")
        lookup = Q(**{f"{path}__in": ids})
        # Keep the school id in the filter so a sharded table is read on one shard.
        if school_path and level != "school":
            lookup &= Q(**{f"{school_path}__in": grant.ids_at("school")})
        return lookup
    return NOTHING


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, perm: str) -> "ScopedQuerySet":
        from apps.access.grants import grants_for

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        grants = [g for g in grants_for(user) if perm in g.permissions]
        if not grants:
            return self.none()
        return self.filter(reduce(or_, (grant_filter(self.model, g) for g in grants)))
