"""A user's grants: every (role, node) they hold, from the four places roles live.

RoleAssignment rows, the classes whose teacher they are, the children they are guardian
of, and their own person record. Computed once per user object (once per request).
"""

from dataclasses import dataclass, field

from apps.access.roles import PERMISSIONS, Role


@dataclass(frozen=True)
class Grant:
    role: str
    level: str  # region | hospital | school | unit | klass | person
    permissions: frozenset[str]
    region_level: str = ""  # province | city | county, for region grants
    region_code: str = ""
    hospital_id: int | None = None
    school_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = ()
    klass_ids: tuple[int, ...] = ()
    person_ids: tuple[int, ...] = ()
    label: str = field(default="", compare=False)

    def ids_at(self, level: str) -> tuple[int, ...]:
        return {"school": self.school_ids, "unit": self.unit_ids, "klass": self.klass_ids,
                "person": self.person_ids}[level]


def _perms(role: str) -> frozenset[str]:
    return PERMISSIONS[role]


_ASSIGNMENT_FIELDS = (
    "role", "bureau_id", "bureau__level", "bureau__province_code", "bureau__city_code",
    "bureau__county_code", "bureau__name", "hospital_id", "hospital__name", "unit_id",
    "unit__school_id", "unit__name", "unit__school__name", "school_id", "school__name",
)


def _assignment_grant(row: tuple) -> Grant:
    (role, bureau_id, level, province, city, county, bureau_name, hospital_id, hospital_name,
     unit_id, unit_school_id, unit_name, unit_school_name, school_id, school_name) = row
    if bureau_id:
        code = {"province": province, "city": city, "county": county}[level]
        return Grant(role, "region", _perms(role), region_level=level, region_code=code,
                     label=bureau_name)
    if hospital_id:
        return Grant(role, "hospital", _perms(role), hospital_id=hospital_id,
                     label=hospital_name)
    if unit_id:
        return Grant(role, "unit", _perms(role), school_ids=(unit_school_id,),
                     unit_ids=(unit_id,), label=f"{unit_school_name} · {unit_name}")
    return Grant(role, "school", _perms(role), school_ids=(school_id,), label=school_name)


def _person_grant(role: str, row: tuple) -> Grant:
    pk, school_id, unit_id, klass_id, name = row
    return Grant(
        role, "person", _perms(role), school_ids=(school_id,),
        unit_ids=tuple(i for i in [unit_id] if i),
        klass_ids=tuple(i for i in [klass_id] if i),
        person_ids=(pk,), label=name,
    )


def compute_grants(user) -> list[Grant]:
    """Four light queries (plain values, no model objects): a guardian checking in at 7 a.m.
    pays for this on every request made with a new token or session."""
    from apps.access.models import RoleAssignment
    from apps.orgs.models import SchoolClass
    from apps.people.models import Guardianship, Person

    grants = [_assignment_grant(row) for row in RoleAssignment.objects.filter(user=user)
              .order_by("pk").values_list(*_ASSIGNMENT_FIELDS)]
    for pk, school_id, unit_id, name, school_name in (
            SchoolClass.objects.filter(teacher=user).order_by("school_id", "unit_id", "name")
            .values_list("pk", "school_id", "unit_id", "name", "school__name")):
        grants.append(Grant(Role.CLASS_TEACHER, "klass", _perms(Role.CLASS_TEACHER),
                            school_ids=(school_id,), unit_ids=(unit_id,), klass_ids=(pk,),
                            label=f"{school_name} · {name}"))
    person = ("person_id", "person__school_id", "person__unit_id", "person__klass_id",
              "person__name")
    for row in Guardianship.objects.filter(user=user).order_by("pk").values_list(*person):
        grants.append(_person_grant(Role.GUARDIAN, row))
    own = (Person.objects.filter(user=user, active=True).order_by("pk")
           .values_list("pk", "school_id", "unit_id", "klass_id", "name").first())
    if own:
        grants.append(_person_grant(Role.SELF, own))
    return grants


def grants_for(user) -> list[Grant]:
    cached = getattr(user, "_shaodian_grants", None)
    if cached is None:
        cached = compute_grants(user)
        token_perms = getattr(user, "_shaodian_token_permissions", None)
        if token_perms:  # an API token limited to some permissions narrows every grant
            cached = [
                Grant(**{**g.__dict__, "permissions": g.permissions & frozenset(token_perms)})
                for g in cached
            ]
        user._shaodian_grants = cached
    return cached


def has_perm_anywhere(user, perm: str) -> bool:
    if not (user and user.is_authenticated):
        return False
    return any(perm in g.permissions for g in grants_for(user))
