"""Granting, revoking and ending roles through the delegation rule: each refusal names its
field and reason and writes nothing; each write is in the history with who made it."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from apps.access.appointments import (
    class_teacher_revoke,
    role_end_set,
    role_grant,
    role_revoke,
)
from apps.access.grants import compute_grants
from apps.access.models import RoleAssignment, User
from apps.core.errors import ValidationFailed
from apps.people.models import Person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def staff(world):
    """A staff member of school A with an account and no role yet."""
    user = User.objects.create_user(username="staff_a", password="x-very-long-pass")
    person = world.persons["a_staff"]
    Person.objects.filter(pk=person.pk).update(user=None)
    Person.objects.create(school=world.schools["a"], kind="staff", number="T900", name="周老师",
                          sex="F", birth_date=person.birth_date, doc_type="resident_id",
                          doc_cipher=person.doc_cipher, doc_hash="h-staff-a",
                          doc_masked=person.doc_masked, residence="day",
                          unit=world.units["a_office"], user=user)
    return user


def reasons(exc_info) -> set:
    return {(e.field, e.reason) for e in exc_info.value.errors}


def roles_of(user) -> set:
    return {g.role for g in compute_grants(user)}


def test_it_lets_a_county_bureau_appoint_a_school_admin_of_its_school(world, staff):
    granted = role_grant(granter=world.users["jinshui_bureau"], user=staff, role="school_admin",
                         school=world.schools["a"])
    assert granted.created and granted.assignment.school == world.schools["a"]
    assert "school_admin" in roles_of(staff)
    last = granted.assignment.history.latest()
    assert last.history_user == world.users["jinshui_bureau"] and last.history_type == "+"


def test_it_lets_a_school_admin_appoint_a_class_teacher_and_revoke_it(world, staff):
    admin, klass = world.users["school_a_admin"], world.classes["a_c2"]
    klass.teacher = None
    klass.save()
    granted = role_grant(granter=admin, user=staff, role="class_teacher", school=world.schools["a"],
                         klass=klass.pk)
    klass.refresh_from_db()
    assert granted.klass == klass and klass.teacher == staff
    assert klass.history.latest().history_user == admin
    assert "class_teacher" in roles_of(staff)
    class_teacher_revoke(revoker=admin, klass=klass.pk)
    klass.refresh_from_db()
    assert klass.teacher is None and "class_teacher" not in roles_of(staff)


def test_it_refuses_a_role_above_the_granters_own(world, staff):
    with pytest.raises(ValidationFailed) as exc:
        role_grant(granter=world.users["school_a_admin"], user=staff, role="school_admin",
                   school=world.schools["a"])
    assert reasons(exc) == {("role", "above_own")}
    with pytest.raises(ValidationFailed) as exc:
        role_grant(granter=world.users["jinshui_bureau"], user=staff, role="bureau_admin",
                   bureau=world.bureaus["jinshui"])
    assert reasons(exc) == {("role", "above_own")}
    assert not RoleAssignment.objects.filter(user=staff).exists()


def test_it_answers_a_node_outside_the_granters_scope_as_not_found(world, staff):
    # A school admin of another school, a county bureau of another county: the node is as
    # unknown to them as one that does not exist.
    for granter, role, node in (("school_b_admin", "gate_officer", {"school": world.schools["a"]}),
                                ("zhongyuan_bureau", "school_admin",
                                 {"school": world.schools["a"]}),
                                ("school_b_admin", "unit_lead", {"unit": world.units["a_grade"]})):
        with pytest.raises(ValidationFailed) as exc:
            role_grant(granter=world.users[granter], user=staff, role=role, **node)
        field = next(iter(node))
        assert (field, "not_found") in reasons(exc)
    assert not RoleAssignment.objects.filter(user=staff).exists()


def test_it_lets_a_class_teacher_grant_nothing(world, staff):
    with pytest.raises(ValidationFailed) as exc:
        role_grant(granter=world.users["teacher_a1"], user=staff, role="gate_officer",
                   school=world.schools["a"])
    assert reasons(exc) == {("school", "not_found")}  # it manages no roles anywhere
    assert not RoleAssignment.objects.filter(user=staff).exists()


def test_it_names_every_bad_field_at_once_and_writes_nothing(world, staff):
    with pytest.raises(ValidationFailed) as exc:
        role_grant(granter=world.users["school_a_admin"], user=world.users["teacher_b1"],
                   role="unit_lead", school=world.schools["a"], unit=world.units["b_grade"],
                   ends_on=TODAY - timedelta(days=1))
    assert reasons(exc) == {("unit", "not_found"), ("user", "not_found"), ("ends_on", "past")}
    with pytest.raises(ValidationFailed) as exc:
        role_grant(granter=world.users["school_a_admin"], user=staff, role="guardian",
                   school=world.schools["a"])
    assert reasons(exc) == {("role", "not_grantable")}
    with pytest.raises(ValidationFailed) as exc:
        role_grant(granter=world.users["school_a_admin"], user=staff, role="class_teacher",
                   school=world.schools["a"], klass=world.classes["a_c1"])
    assert reasons(exc) == {("klass", "has_teacher")}
    assert not RoleAssignment.objects.filter(user=staff).exists()


def test_it_refuses_changes_to_ones_own_roles(world):
    admin = world.users["school_a_admin"]
    with pytest.raises(ValidationFailed) as exc:
        role_grant(granter=admin, user=admin, role="gate_officer", school=world.schools["a"])
    assert reasons(exc) == {("user", "self")}
    own = RoleAssignment.objects.get(user=admin)
    with pytest.raises(ValidationFailed):
        role_revoke(revoker=admin, assignment=own.pk)
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_it_revokes_what_the_revoker_could_grant_and_hides_the_rest(world, staff):
    gate = RoleAssignment.objects.get(user=world.users["gate_a"])
    with pytest.raises(Http404):
        role_revoke(revoker=world.users["school_b_admin"], assignment=gate.pk)
    second = role_grant(granter=world.users["jinshui_bureau"], user=staff, role="school_admin",
                        school=world.schools["a"]).assignment
    with pytest.raises(ValidationFailed) as exc:  # a peer school admin: not below its own
        role_revoke(revoker=world.users["school_a_admin"], assignment=second.pk)
    assert reasons(exc) == {("role", "above_own")}
    role_revoke(revoker=world.users["school_a_admin"], assignment=gate.pk)
    assert not RoleAssignment.objects.filter(pk=gate.pk).exists()
    gone = RoleAssignment.history.filter(id=gate.pk).latest()
    assert gone.history_type == "-" and gone.history_user == world.users["school_a_admin"]


def test_it_ends_a_role_after_its_last_day(world, clock):
    gate_user = world.users["gate_a"]
    gate = RoleAssignment.objects.get(user=gate_user)
    role_end_set(actor=world.users["school_a_admin"], assignment=gate.pk, ends_on=TODAY)
    assert "gate_officer" in roles_of(gate_user)  # held through its last day
    clock.move_to(timezone.now() + timedelta(days=1))
    assert "gate_officer" not in roles_of(gate_user)
    with pytest.raises(ValidationFailed) as exc:
        role_end_set(actor=world.users["school_a_admin"], assignment=gate.pk,
                     ends_on=TODAY)  # now yesterday
    assert reasons(exc) == {("ends_on", "past")}
    role_end_set(actor=world.users["school_a_admin"], assignment=gate.pk, ends_on=None)
    assert "gate_officer" in roles_of(gate_user)


def test_it_sets_the_end_of_a_role_granted_again(world):
    gate_user = world.users["gate_a"]
    ends = TODAY + timedelta(days=30)
    granted = role_grant(granter=world.users["school_a_admin"], user=gate_user,
                         role="gate_officer", school=world.schools["a"], ends_on=ends)
    assert not granted.created and granted.assignment.ends_on == ends
    assert RoleAssignment.objects.filter(user=gate_user).count() == 1


def test_it_lets_a_bureau_appoint_a_hospital_liaison_in_its_area(world, staff):
    granted = role_grant(granter=world.users["jinshui_bureau"], user=staff,
                         role="hospital_liaison", hospital=world.hospital)
    assert granted.assignment.hospital == world.hospital
    with pytest.raises(ValidationFailed) as exc:
        role_grant(granter=world.users["luoyang_bureau"], user=staff, role="hospital_liaison",
                   hospital=world.hospital)
    assert ("hospital", "not_found") in reasons(exc)


def test_it_lets_the_province_appoint_a_county_bureau_admin_of_a_new_account(world):
    newcomer = User.objects.create_user(username="new_admin", password="x-very-long-pass")
    granted = role_grant(granter=world.users["province"], user=newcomer, role="bureau_admin",
                         bureau=world.bureaus["zhongyuan"])
    assert granted.assignment.county_code == "410102"
    # The city may appoint the county's admins too; the other city may not.
    with pytest.raises(ValidationFailed) as exc:
        role_grant(granter=world.users["luoyang_bureau"], user=newcomer, role="bureau_admin",
                   bureau=world.bureaus["zhongyuan"])
    assert ("bureau", "not_found") in reasons(exc)


def test_it_removes_the_roles_whose_last_day_has_passed(world):
    from apps.access.appointments import roles_ended_remove

    gate = RoleAssignment.objects.get(user=world.users["gate_a"])
    role_end_set(actor=world.users["school_a_admin"], assignment=gate.pk, ends_on=TODAY)
    assert roles_ended_remove() == 0  # held through its last day
    assert roles_ended_remove(day=TODAY + timedelta(days=1)) == 1
    assert not RoleAssignment.objects.filter(pk=gate.pk).exists()
    assert RoleAssignment.history.filter(id=gate.pk).latest().history_type == "-"
