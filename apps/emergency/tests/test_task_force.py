"""The task force (专班): school accounts and outside members, one leader, scope by persona."""

import pytest
from django.http import Http404

from apps.core.errors import ValidationFailed
from apps.emergency.models import TaskForceMember
from apps.emergency.taskforce import (
    school_user_ids,
    task_force,
    task_force_lead_set,
    task_force_member_add,
    task_force_member_remove,
)

pytestmark = pytest.mark.django_db


def add(world, who="school_a_admin", school="a", **fields):
    return task_force_member_add(actor=world.users[who], school_id=world.schools[school].pk,
                                 **fields)


def test_it_adds_a_school_account_under_its_name(world):
    member = add(world, user_id=world.users["teacher_a1"].pk, duty="deputy")
    assert (member.name, member.user, member.external) == ("王老师", world.users["teacher_a1"],
                                                           False)


def test_it_adds_an_outside_cdc_member_as_a_contact(world):
    member = add(world, name="刘医生", organisation="金水区疾控中心", duty="cdc",
                 phone="+86 138-0013-8001", external=True)
    assert (member.phone, member.external, member.user) == ("13800138001", True, None)


@pytest.mark.parametrize(("fields", "field", "reason"), [
    ({"name": "刘医生", "duty": "cdc", "external": True, "phone": "13800138001"},
     "organisation", "required"),
    ({"name": "刘医生", "organisation": "疾控", "duty": "cdc", "external": True}, "phone",
     "required"),
    ({"name": "刘医生", "organisation": "疾控", "duty": "cdc", "external": True,
      "phone": "12"}, "phone", "bad_phone"),
    ({"name": "刘医生", "organisation": "疾控", "duty": "cdc", "external": True,
      "email": "not-an-address"}, "email", "invalid"),
    ({"name": "张三", "duty": "boss"}, "duty", "unknown"),
    ({"duty": "health"}, "name", "required"),
])
def test_it_refuses_a_bad_member_naming_the_field(world, fields, field, reason):
    with pytest.raises(ValidationFailed) as failed:
        add(world, **fields)
    assert [(e.field, e.reason) for e in failed.value.errors] == [(field, reason)]
    assert not TaskForceMember.objects.exists()


def test_it_refuses_an_account_of_another_school_or_a_guardian(world):
    for username in ("teacher_b1", "guardian_a1", "student_a1"):
        with pytest.raises(ValidationFailed) as failed:
            add(world, user_id=world.users[username].pk, duty="health")
        assert failed.value.errors[0].reason == "not_in_school"


def test_it_offers_the_schools_role_holders_teachers_and_staff(world):
    ids = school_user_ids(world.schools["a"].pk)
    names = {u for u, user in world.users.items() if user.pk in ids}
    assert {"school_a_admin", "teacher_a1", "teacher_a2", "unit_lead_a", "reporter_a",
            "gate_a", "sampler_a"} <= names
    assert not names & {"teacher_b1", "guardian_a1", "student_a1", "school_b_admin",
                        "jinshui_bureau"}


def test_it_refuses_the_same_member_twice_for_the_same_duty(world):
    add(world, user_id=world.users["teacher_a1"].pk, duty="deputy")
    with pytest.raises(ValidationFailed) as failed:
        add(world, user_id=world.users["teacher_a1"].pk, duty="deputy")
    assert failed.value.errors[0].field == "duty"
    add(world, user_id=world.users["teacher_a1"].pk, duty="teaching")  # another duty: fine


def test_it_keeps_one_leader(world):
    first = add(world, user_id=world.users["school_a_admin"].pk, duty="leader", lead=True)
    second = add(world, user_id=world.users["teacher_a1"].pk, duty="deputy")
    task_force_lead_set(actor=world.users["school_a_admin"], member_id=second.pk)
    assert list(TaskForceMember.objects.filter(lead=True)) == [second]
    third = add(world, user_id=world.users["reporter_a"].pk, duty="reporting", lead=True)
    assert list(TaskForceMember.objects.filter(lead=True)) == [third]
    first.refresh_from_db()
    assert not first.lead


@pytest.mark.parametrize("persona", ["school_b_admin", "teacher_a1", "zhongyuan_bureau",
                                     "guardian_a1", "gate_a", "hospital_a"])
def test_it_lets_no_one_else_change_the_task_force(world, persona):
    member = add(world, user_id=world.users["teacher_a2"].pk, duty="health")
    with pytest.raises(Http404):
        add(world, who=persona, user_id=world.users["teacher_a1"].pk, duty="deputy")
    with pytest.raises(Http404):
        task_force_member_remove(actor=world.users[persona], member_id=member.pk)
    with pytest.raises(Http404):
        task_force_lead_set(actor=world.users[persona], member_id=member.pk)
    assert TaskForceMember.objects.get().pk == member.pk


@pytest.mark.parametrize(("persona", "sees"), [
    ("school_a_admin", True), ("teacher_a1", True), ("jinshui_bureau", True),
    ("school_b_admin", False), ("zhongyuan_bureau", False), ("guardian_a1", False),
])
def test_it_shows_the_task_force_only_in_scope(world, persona, sees):
    add(world, user_id=world.users["teacher_a2"].pk, duty="health")
    if sees:
        assert [m.name for m in task_force(user=world.users[persona],
                                           school_id=world.schools["a"].pk)] == ["李老师"]
    else:
        with pytest.raises(Http404):
            task_force(user=world.users[persona], school_id=world.schools["a"].pk)


def test_it_lets_a_member_without_a_view_role_read_their_task_force(world):
    add(world, user_id=world.users["gate_a"].pk, duty="security")
    members = task_force(user=world.users["gate_a"], school_id=world.schools["a"].pk)
    assert [m.duty for m in members] == ["security"]
    with pytest.raises(Http404):
        task_force(user=world.users["gate_a"], school_id=world.schools["b"].pk)


def test_it_lists_each_schools_task_force_accounts_in_one_query(world, django_assert_num_queries):
    from apps.emergency.taskforce import task_force_user_ids

    a, b = world.schools["a"], world.schools["b"]
    add(world, user_id=world.users["teacher_a1"].pk, duty="deputy")
    add(world, name="刘医生", organisation="疾控", duty="cdc", phone="13800138001",
        external=True)
    add(world, who="school_b_admin", school="b", user_id=world.users["teacher_b1"].pk,
        duty="leader")
    with django_assert_num_queries(1):
        ids = task_force_user_ids(school_ids=[a.pk, b.pk])
    assert ids == {a.pk: {world.users["teacher_a1"].pk}, b.pk: {world.users["teacher_b1"].pk}}
