"""The synthetic province the large benchmarks run on, and the policy pack it runs.

A benchmark reuses the province already in its database when it is at least as large as it
needs (a copy of a generated 3,000,000-person province saves minutes), and generates one with
the demo generator otherwise."""

import sys

from bench import say

PROVINCE = "410000"  # Henan
SEED = 2022
# Henan's schools for 3,000,000 persons: a province generated for any benchmark has them
# (scaled for a quick run), so one run builds one province that every benchmark can reuse;
# generating a second beside it (a benchmark asking for 51,000 schools after one built with
# fewer) doubled the persons the later benchmarks measured.
SCHOOLS, PERSONS = 51_000, 3_000_000


def ensure_province(label: str, *, persons: int, schools: int | None = None,
                    seed: int = SEED) -> None:
    """A province of at least `persons` people (and `schools` schools, when given); one
    generated has Henan's share of schools for its persons, or `schools` if more."""
    from apps.demo.progress import ProgressBar
    from apps.demo.services import province_generate
    from apps.orgs.models import School
    from apps.people.models import Person

    enough_people = Person.objects.filter(school__province_code=PROVINCE).count() >= persons
    enough_schools = (schools is None
                      or School.objects.filter(province_code=PROVINCE).count() >= schools)
    if enough_people and enough_schools:
        say(label, "reusing the province already in the database")
        return
    schools = max(schools or 0, 10, round(SCHOOLS * persons / PERSONS))
    province_generate(province_code=PROVINCE, persons=persons, seed=seed, schools=schools,
                      progress=ProgressBar(f"{label}: province", stream=sys.stderr))


def choose_pack(pack_id: str) -> None:
    """The province runs this pack (as a province admin's choice would record it)."""
    from apps.policy.models import ProvincePolicy
    from apps.policy.selectors import pack_get

    pack = pack_get(pack_id)
    ProvincePolicy.objects.update_or_create(
        province_code=PROVINCE,
        defaults={"pack_id": pack.id, "pack_version": str(pack.version), "reason": "bench"},
    )


def province_admin(username: str):
    """An account holding the province admin's role over the generated province."""
    from apps.access.models import RoleAssignment, User
    from apps.orgs.models import Bureau

    province = Bureau.objects.get(level="province", region_id=PROVINCE)
    user, _created = User.objects.get_or_create(username=username)
    RoleAssignment.objects.get_or_create(user=user, role="province_admin", bureau=province)
    return user
