"""The scoped query layer, with personas: who sees which people, classes and schools."""

import pytest

from apps.orgs.models import Bureau, School, SchoolClass
from apps.people.models import HouseholdMember, Person


def visible(model, user, perm="people.view"):
    return set(model.objects.restrict(user, perm).values_list("pk", flat=True))


def ids(world, *keys):
    return {world.persons[k].pk for k in keys}


pytestmark = pytest.mark.django_db


def test_it_shows_a_class_teacher_only_their_class(world):
    teacher = world.users["teacher_a1"]
    # teacher_a1 is also the staff member a_staff, so sees their own record too.
    assert visible(Person, teacher) == ids(world, "a1_student", "a1_student2", "a_staff")


def test_it_hides_another_class_from_a_teacher(world):
    teacher = world.users["teacher_a2"]
    assert world.persons["a1_student"].pk not in visible(Person, teacher)
    assert visible(Person, teacher) == ids(world, "a2_student")


def test_it_shows_a_county_bureau_only_its_county(world):
    assert visible(Person, world.users["jinshui_bureau"]) == ids(
        world, "a1_student", "a1_student2", "a2_student", "a_staff")
    assert visible(Person, world.users["zhongyuan_bureau"]) == set()
    assert visible(Person, world.users["luoyang_bureau"]) == ids(world, "b1_student")


def test_it_shows_the_province_everyone(world):
    assert visible(Person, world.users["province"]) == {p.pk for p in world.persons.values()}


def test_it_shows_a_guardian_only_their_child(world):
    guardian = world.users["guardian_a1"]
    assert visible(Person, guardian) == ids(world, "a1_student")
    households = HouseholdMember.objects.filter(person=world.persons["a1_student"])
    assert visible(HouseholdMember, guardian) == set(households.values_list("pk", flat=True))


def test_it_gives_a_gate_officer_no_lists(world):
    gate = world.users["gate_a"]
    assert visible(Person, gate) == set()
    assert visible(School, gate, "orgs.view") == set()
    assert visible(Person, gate, "gate.verdict") == {
        p.pk for p in world.persons.values() if p.school_id == world.schools["a"].pk}


def test_it_shows_a_teacher_their_own_school_and_class_but_not_others(world):
    teacher = world.users["teacher_a2"]
    assert visible(School, teacher, "orgs.view") == {world.schools["a"].pk}
    assert visible(SchoolClass, teacher, "orgs.view") == {world.classes["a_c2"].pk}


def test_it_shows_bureaus_only_to_bureaus(world):
    assert visible(Bureau, world.users["school_a_admin"], "orgs.view") == set()
    zhongyuan = world.bureaus["zhongyuan"].pk
    assert visible(Bureau, world.users["zhongyuan_bureau"], "orgs.view") == {zhongyuan}
    assert visible(Bureau, world.users["luoyang_bureau"], "orgs.view") == {
        world.bureaus["luoyang"].pk, world.bureaus["jianxi"].pk}


def test_it_shows_a_hospital_liaison_its_paired_schools(world):
    assert visible(School, world.users["hospital_a"], "orgs.view") == {world.schools["a"].pk}
    assert visible(Person, world.users["hospital_a"]) == set()


def test_it_shows_an_anonymous_user_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert visible(Person, AnonymousUser()) == set()


def _row_scope(person):
    from apps.core.scoping import RowScope

    school = person.school
    return RowScope(school=person.school_id, unit=person.unit_id, klass=person.klass_id,
                    person=person.pk, hospital=school.hospital_id,
                    region={"province": school.province_code, "city": school.city_code,
                            "county": school.county_code})


@pytest.mark.parametrize("perm", ["people.view", "health.checkin", "gate.verdict",
                                  "orgs.view", "people.reveal_id", "people.code"])
def test_it_decides_one_row_in_python_as_the_query_does(world, perm):
    """apps.core.scoping.permits (hot paths reading one row by hand) and restrict (every
    list) are one rule: for every persona and person they agree."""
    from apps.core.scoping import permits

    people = list(Person.objects.select_related("school"))
    agreed = 0
    for user in world.users.values():
        shown = visible(Person, user, perm)
        for person in people:
            assert permits(user, perm, Person, _row_scope(person)) == (person.pk in shown), (
                user.username, person.pk)
            agreed += person.pk in shown
    assert agreed > 0  # some persona sees someone with this permission


def test_it_gives_core_the_grants_of_a_user_at_start_up():
    """Core imports no app: access registers its grants with core.scoping in ready()."""
    from apps.access.grants import grants_for
    from apps.core import scoping

    assert scoping._grants_provider is grants_for
