"""Who may grant which role where: the delegation rule, pure data and one function (no query).

Province → city → county → school admin → the school's own roles. A granter grants only
roles below its own level, and only on a node inside its own scope: a bureau appoints the
admins of the bureaus under it, the admins of its schools and the liaisons of the designated
hospitals in its area; a school admin appoints its class teachers, unit leads, outbreak
reporter, gate officers and samplers. Only the province admin appoints its peers (nobody sits
above the province). The other roles (class teacher, unit lead, outbreak reporter, gate
officer, sampler, hospital liaison) grant nothing; own records and guardians are linked from
the person, never granted. Read by apps.access.appointments; table-tested in
apps/access/tests/test_delegation.py.
"""

from dataclasses import dataclass

from apps.access.roles import ROLE_NODE, Role

# Ranks from the top: a granter grants only roles of a larger rank than its own.
PROVINCE, CITY, COUNTY, SCHOOL, INSIDE = range(5)
BUREAU_RANK = {"province": PROVINCE, "city": CITY, "county": COUNTY}
GRANTERS = frozenset({Role.PROVINCE_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN})
# Linked from the person record (apps.people), never granted here.
NOT_GRANTED = frozenset({Role.SELF, Role.GUARDIAN})
# The roles held on the province department: the province admin appoints these peers.
PEERS = frozenset({Role.PROVINCE_ADMIN})

# Why a grant is refused, most telling first (apps.access.appointments words each).
NOT_GRANTABLE, WRONG_NODE, NOT_GRANTER, OUT_OF_SCOPE, ABOVE_OWN = (
    "not_grantable", "wrong_node", "not_granter", "out_of_scope", "above_own")


@dataclass(frozen=True)
class Place:
    """A node of the org tree as the rule sees it: its kind, the region codes it stands in,
    a bureau's level, and the school of a school, unit or class."""

    kind: str  # bureau | school | unit | klass | hospital
    province: str = ""
    city: str = ""
    county: str = ""
    level: str = ""  # a bureau's: province | city | county
    school_id: int | None = None


def role_rank(role: str, place: Place) -> int:
    """The level of the role held on this place."""
    if role == Role.PROVINCE_ADMIN:
        return PROVINCE
    if role == Role.BUREAU_ADMIN:
        return BUREAU_RANK.get(place.level, PROVINCE)
    if role in (Role.SCHOOL_ADMIN, Role.HOSPITAL_LIAISON):
        return SCHOOL
    return INSIDE


def holding_rank(grant) -> int:
    """The level a granter's grant (apps.access.grants.Grant) stands at."""
    if grant.level == "region":
        return BUREAU_RANK[grant.region_level]
    return SCHOOL if grant.role == Role.SCHOOL_ADMIN else INSIDE


def covers(grant, place: Place) -> bool:
    """Whether the place lies inside the grant's scope: a region grant's area, a school
    grant's school (and its units and classes)."""
    if grant.level == "region":
        return getattr(place, grant.region_level, "") == grant.region_code != ""
    if grant.level == "school" and place.kind in ("school", "unit", "klass"):
        return place.school_id in grant.school_ids
    return False


def fits(role: str, place: Place) -> str | None:
    """Whether the role is one granted here at all, and held on this kind of node."""
    if role not in Role.values or role in NOT_GRANTED:
        return NOT_GRANTABLE
    if ROLE_NODE[role] != place.kind:
        return WRONG_NODE
    if place.kind == "bureau" and (place.level == "province") != (role == Role.PROVINCE_ADMIN):
        return WRONG_NODE  # the province admin on the department, bureau admins on a bureau
    return None


def refusal_by(grant, role: str, place: Place) -> str | None:
    """Why this one grant does not let its holder grant the role on the place, or None."""
    if grant.role not in GRANTERS:
        return NOT_GRANTER
    if not covers(grant, place):
        return OUT_OF_SCOPE
    mine, theirs = holding_rank(grant), role_rank(role, place)
    if theirs > mine or (theirs == mine and role in PEERS):
        return None
    return ABOVE_OWN


def refusal(grants, role: str, place: Place) -> str | None:
    """Why a granter holding these grants may not grant the role on the place (None: it
    may): the reason of the grant that came nearest."""
    misfit = fits(role, place)
    if misfit:
        return misfit
    reasons = {refusal_by(g, role, place) for g in grants}
    if None in reasons:
        return None
    for reason in (ABOVE_OWN, OUT_OF_SCOPE):
        if reason in reasons:
            return reason
    return NOT_GRANTER


def grantable_roles(grants, place: Place) -> list[str]:
    """The roles a granter holding these grants may grant on the place, in Role's order."""
    return [role for role in Role.values if refusal(grants, role, place) is None]
