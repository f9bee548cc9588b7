"""A school's staff accounts made from its roster (apps.accounts.services.creation)."""

import pytest

from apps.access.models import User
from apps.accounts.models import AccountEvent, ActivationCode
from apps.accounts.services import staff_accounts_create
from apps.accounts.services.codes import code_hash
from apps.core.errors import ValidationFailed
from apps.orgs.models import SchoolClass
from apps.people.models import Person

pytestmark = pytest.mark.django_db


def test_it_makes_an_account_for_every_staff_member_without_one(world, staff):
    made = staff_accounts_create(actor=world.users["school_a_admin"],
                                 school_ids=[world.schools["a"].pk])
    usernames = sorted(i.username for i in made.issued)
    assert usernames == ["4101050001-t010", "4101050001-t011", "4101050001-t012",
                         "4101050001-t013"]
    for key, person in staff.items():
        person.refresh_from_db()
        user = person.user
        assert user.username == f"4101050001-{key}"
        assert (user.display_name, user.is_active, user.must_change_password) == (
            person.name, True, True)
        assert not user.has_usable_password()
    # T001 (王建国) had an account already: kept as it was.
    assert Person.objects.get(number="T001").user == world.users["teacher_a1"]
    codes = {i.user_id: i.code for i in made.issued}
    for user_id, code in codes.items():  # stored as the hash only
        row = ActivationCode.objects.get(user_id=user_id)
        assert row.code_hash == code_hash(code) != code
        assert row.school == world.schools["a"]
    event = AccountEvent.objects.get(action="created")
    assert (event.actor, event.school, event.count) == (
        world.users["school_a_admin"], world.schools["a"], 4)
    assert Person.history.filter(id=staff["t010"].pk,
                                 history_change_reason="staff account created").exists()


def test_it_gives_a_class_without_a_teacher_the_first_of_its_staff(world, staff):
    made = staff_accounts_create(actor=world.users["school_a_admin"],
                                 school_ids=[world.schools["a"].pk])
    assert made.teachers == 1
    c3 = SchoolClass.objects.get(pk=world.classes["a_c3"].pk)
    staff["t010"].refresh_from_db()
    assert c3.teacher_id == staff["t010"].user_id  # T010 before T011
    # 七年级2班 keeps the teacher it had.
    assert SchoolClass.objects.get(pk=world.classes["a_c2"].pk).teacher == world.users["teacher_a2"]
    assert SchoolClass.history.filter(id=c3.pk,
                                      history_change_reason="class teacher from roster").exists()


def test_it_creates_nothing_new_the_second_time(world, staff):
    admin, school = world.users["school_a_admin"], world.schools["a"].pk
    staff_accounts_create(actor=admin, school_ids=[school])
    users, codes = User.objects.count(), ActivationCode.objects.count()
    again = staff_accounts_create(actor=admin, school_ids=[school])
    assert (again.issued, again.teachers, again.taken) == ([], 0, [])
    assert (User.objects.count(), ActivationCode.objects.count()) == (users, codes)


def test_it_leaves_a_staff_member_whose_username_is_taken(world, staff):
    User.objects.create_user(username="4101050001-t013", password="x-long-password")
    made = staff_accounts_create(actor=world.users["school_a_admin"],
                                 school_ids=[world.schools["a"].pk])
    assert made.taken == [("冯老师", "4101050001-t013")]
    staff["t013"].refresh_from_db()
    assert staff["t013"].user is None
    assert len(made.issued) == 3


@pytest.mark.parametrize("actor", ["school_b_admin", "teacher_a1", "zhongyuan_bureau"])
def test_it_answers_a_school_out_of_scope_as_none(world, staff, actor):
    users = User.objects.count()
    for school in (world.schools["a"].pk, 999_999):
        with pytest.raises(ValidationFailed) as failed:
            staff_accounts_create(actor=world.users[actor], school_ids=[school])
        assert [(e.field, e.reason) for e in failed.value.errors] == [("school", "not_found")]
    assert User.objects.count() == users


def test_a_bureau_makes_the_accounts_of_its_schools(world, staff):
    made = staff_accounts_create(actor=world.users["jinshui_bureau"],
                                 school_ids=[world.schools["a"].pk])
    assert len(made.issued) == 4
