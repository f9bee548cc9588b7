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


def _assignment_grant(a) -> Grant:
    role = a.role
    if a.bureau_id:
        b = a.bureau
        return Grant(role, "region", _perms(role), region_level=b.level,
                     region_code=getattr(b, f"{b.level}_code"), label=b.name)
    if a.hospital_id:
        return Grant(role, "hospital", _perms(role), hospital_id=a.hospital_id,
                     label=a.hospital.name)
    if a.unit_id:
        return Grant(role, "unit", _perms(role), school_ids=(a.unit.school_id,),
                     unit_ids=(a.unit_id,), label=f"{a.unit.school.name} · {a.unit.name}")
    return Grant(role, "school", _perms(role), school_ids=(a.school_id,), label=a.school.name)


def _person_grant(role: str, person, label: str) -> Grant:
    return Grant(
        role, "person", _perms(role), school_ids=(person.school_id,),
        unit_ids=tuple(i for i in [person.unit_id] if i),
        klass_ids=tuple(i for i in [person.klass_id] if i),
        person_ids=(person.pk,), label=label,
    )


def compute_grants(user) -> list[Grant]:
    from apps.access.models import RoleAssignment
    from apps.orgs.models import SchoolClass
    from apps.people.models import Guardianship, Person

    grants = [
        _assignment_grant(a)
        for a in RoleAssignment.objects.filter(user=user).select_related(
            "bureau", "school", "unit__school", "hospital")
    ]
    for klass in SchoolClass.objects.filter(teacher=user).select_related("school"):
        grants.append(Grant(Role.CLASS_TEACHER, "klass", _perms(Role.CLASS_TEACHER),
                            school_ids=(klass.school_id,), unit_ids=(klass.unit_id,),
                            klass_ids=(klass.pk,), label=f"{klass.school.name} · {klass.name}"))
    for g in Guardianship.objects.filter(user=user).select_related("person"):
        grants.append(_person_grant(Role.GUARDIAN, g.person, g.person.name))
    own = Person.objects.filter(user=user, active=True).first()
    if own:
        grants.append(_person_grant(Role.SELF, own, own.name))
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
