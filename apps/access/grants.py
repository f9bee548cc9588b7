"""A user's grants: every (role, node) they hold, from the five places roles live.

RoleAssignment rows, the classes whose teacher they are, the children they are guardian
of, their own person record, and the task forces they sit on (a grant on the school carrying
the task force's permissions, apps/emergency/permissions.py `MEMBERSHIPS`). Computed once
per user object (once per request). Questions about them: apps.access.rules.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from apps.access.roles import MEMBERSHIP_PERMISSIONS, PERMISSIONS, Role

# Grants that come from sitting on a school's task force, not from a role: never narrowed by
# a token's permissions (a member reads their school's plan through any token, as before).
TASK_FORCE, TASK_FORCE_LEAD = "task_force", "task_force_lead"
TASK_FORCE_ROLES = frozenset({TASK_FORCE, TASK_FORCE_LEAD})


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
    # A guardian's or one's own grant: that person as the grant was read (kind, residence,
    # active), so a check-in for them needs no second query (apps.health.services).
    subject: "Subject | None" = field(default=None, compare=False)

    def ids_at(self, level: str) -> tuple[int, ...]:
        return {"school": self.school_ids, "unit": self.unit_ids, "klass": self.klass_ids,
                "person": self.person_ids}[level]


@dataclass(frozen=True)
class Subject:
    id: int
    school_id: int
    unit_id: int | None
    klass_id: int | None
    kind: str
    residence: str
    active: bool

    @property
    def pk(self) -> int:  # read as a Person is (apps.health.services)
        return self.id


def _perms(role: str) -> frozenset[str]:
    return PERMISSIONS[role]


# Every place a user's roles live, in one round trip: role assignments (with their node's
# name and region code), the classes they teach, the children they are guardian of, their
# own person record, the task forces they sit on. A guardian checking in at 7 a.m. pays for
# this on their first request.
_GRANTS_SQL = """
SELECT 0 AS src, ra.id AS ord, ra.role, ra.bureau_id, b.level,
       CASE b.level WHEN 'province' THEN b.province_code WHEN 'city' THEN b.city_code
                    ELSE b.county_code END,
       ra.hospital_id, ra.unit_id, COALESCE(u.school_id, ra.school_id),
       CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), COALESCE(b.name, h.name, us.name, s.name),
       u.name, CAST(NULL AS VARCHAR(10)) AS kind, CAST(NULL AS VARCHAR(10)) AS residence,
       CAST(NULL AS BOOLEAN) AS active
  FROM access_roleassignment ra
  LEFT JOIN orgs_bureau b ON b.id = ra.bureau_id
  LEFT JOIN orgs_hospital h ON h.id = ra.hospital_id
  LEFT JOIN orgs_unit u ON u.id = ra.unit_id
  LEFT JOIN orgs_school us ON us.id = u.school_id
  LEFT JOIN orgs_school s ON s.id = ra.school_id
 WHERE ra.user_id = {user} AND (ra.ends_on IS NULL OR ra.ends_on >= {today})
UNION ALL
SELECT 1, c.id, NULL, NULL, NULL, NULL, NULL, c.unit_id, c.school_id, c.id, NULL, s.name, c.name,
       NULL, NULL, NULL
  FROM orgs_schoolclass c JOIN orgs_school s ON s.id = c.school_id
 WHERE c.teacher_id = {user}
UNION ALL
SELECT 2, g.id, NULL, NULL, NULL, NULL, NULL, p.unit_id, p.school_id, p.klass_id, p.id,
       p.name, NULL, p.kind, p.residence, p.active
  FROM people_guardianship g JOIN people_person p ON p.id = g.person_id
 WHERE g.user_id = {user}
UNION ALL
SELECT 3, p.id, NULL, NULL, NULL, NULL, NULL, p.unit_id, p.school_id, p.klass_id, p.id,
       p.name, NULL, p.kind, p.residence, p.active
  FROM people_person p
 WHERE p.user_id = {user} AND p.active
UNION ALL
SELECT 4, tf.id, CASE WHEN tf.lead THEN 'task_force_lead' ELSE 'task_force' END, NULL, NULL,
       NULL, NULL, NULL, tf.school_id, NULL, NULL, s.name, NULL, NULL, NULL, NULL
  FROM emergency_taskforcemember tf JOIN orgs_school s ON s.id = tf.school_id
 WHERE tf.user_id = {user}
"""
_ASSIGNMENT, _TEACHER, _GUARDIAN, _SELF, _TASK_FORCE = range(5)


def grants_sql(user: str, today: str = "%s") -> str:
    """The grants of the user that the SQL expression `user` names (a parameter, or a
    subquery: apps.access.services reads a token's user and its grants in one statement),
    unordered: callers order by (src, ord). `today` is the parameter of the day (Beijing)
    a role is still held on through its `ends_on`, passed right after the first `user`."""
    return _GRANTS_SQL.format(user=user, today=today)


def _grant(row: tuple) -> Grant:
    (src, _ord, role, bureau_id, level, code, hospital_id, unit_id, school_id, klass_id,
     person_id, label, unit_label, kind, residence, active) = row
    if src == _TEACHER:
        return Grant(Role.CLASS_TEACHER, "klass", _perms(Role.CLASS_TEACHER),
                     school_ids=(school_id,), unit_ids=(unit_id,), klass_ids=(klass_id,),
                     label=f"{label} · {unit_label}")
    if src == _TASK_FORCE:
        return Grant(role, "school", MEMBERSHIP_PERMISSIONS[role], school_ids=(school_id,),
                     label=label)
    if src in (_GUARDIAN, _SELF):
        role = Role.GUARDIAN if src == _GUARDIAN else Role.SELF
        return Grant(role, "person", _perms(role), school_ids=(school_id,),
                     unit_ids=tuple(i for i in [unit_id] if i),
                     klass_ids=tuple(i for i in [klass_id] if i),
                     person_ids=(person_id,), label=label,
                     subject=Subject(person_id, school_id, unit_id, klass_id, kind, residence,
                                     bool(active)))
    if bureau_id:
        return Grant(role, "region", _perms(role), region_level=level, region_code=code,
                     label=label)
    if hospital_id:
        return Grant(role, "hospital", _perms(role), hospital_id=hospital_id, label=label)
    if unit_id:
        return Grant(role, "unit", _perms(role), school_ids=(school_id,), unit_ids=(unit_id,),
                     label=f"{label} · {unit_label}")
    return Grant(role, "school", _perms(role), school_ids=(school_id,), label=label)


def compute_grants(user) -> list[Grant]:
    from apps.core.db import prepared_cursor

    with prepared_cursor() as cursor:  # planned once per connection: 0.6 ms saved a time
        cursor.execute(_BY_USER_ID, [user.pk, timezone.localdate(), *[user.pk] * 4])
        return grants_from_rows(cursor.fetchall())


_BY_USER_ID = grants_sql("%s") + " ORDER BY 1, 2"


def grants_from_rows(rows) -> list[Grant]:
    """Grants from rows of `grants_sql`, in (src, ord) order; a row of NULLs (an outer join
    that found none) gives nothing. Task-force grants come last, after every role."""
    rows = [r for r in rows if r[0] is not None]
    selves = [r for r in rows if r[0] == _SELF][:1]  # one own record: the first active one
    roles = [r for r in rows if r[0] not in (_SELF, _TASK_FORCE)]
    return [_grant(r) for r in [*roles, *selves, *(r for r in rows if r[0] == _TASK_FORCE)]]


def grants_for(user) -> list[Grant]:
    cached = getattr(user, "_shaodian_grants", None)
    if cached is None:
        cached = grants_keep(user, compute_grants(user))
    return cached


def grants_keep(user, grants: list[Grant]) -> list[Grant]:
    """Keep the user's grants on the user object (narrowed to an API token's permissions)."""
    token_perms = getattr(user, "_shaodian_token_permissions", None)
    if token_perms:  # an API token limited to some permissions narrows every role's grant
        grants = [g if g.role in TASK_FORCE_ROLES else
                  Grant(**{**g.__dict__, "permissions": g.permissions & frozenset(token_perms)})
                  for g in grants]
    user._shaodian_grants = grants
    return grants


def role_grants(user) -> list[Grant]:
    """The grants that come from a role (for listing a user's roles), not a task force."""
    return [g for g in grants_for(user) if g.role not in TASK_FORCE_ROLES]


def has_perm_anywhere(user, perm: str) -> bool:
    if not (user and user.is_authenticated):
        return False
    return any(perm in g.permissions for g in grants_for(user))
