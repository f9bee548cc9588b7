"""Role assignments: only by someone who manages roles over the node, never beyond their own
permissions, and only on the kind of node the role is held on."""

import pytest
from django.http import Http404

from apps.access.models import RoleAssignment, User
from apps.access.services import role_assign, role_revoke
from apps.core.errors import ValidationFailed
from apps.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    return User.objects.create_user(username="newcomer", password="x-very-long-pass")


def reasons(exc_info):
    return {(e.field, e.reason) for e in exc_info.value.errors}


def test_it_lets_a_school_admin_appoint_a_gate_officer_in_their_school(world, newcomer):
    assignment = role_assign(actor=world.users["school_a_admin"], user=newcomer,
                             role="gate_officer", node=world.schools["a"])
    assert assignment.school == world.schools["a"]
    again = role_assign(actor=world.users["school_a_admin"], user=newcomer,
                        role="gate_officer", node=world.schools["a"])
    assert again.pk == assignment.pk  # idempotent


def test_it_hides_another_school_from_a_school_admin(world, newcomer):
    with pytest.raises(Http404):
        role_assign(actor=world.users["school_a_admin"], user=newcomer,
                    role="gate_officer", node=world.schools["b"])
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


def test_it_refuses_a_role_on_the_wrong_kind_of_node(world, newcomer):
    with pytest.raises(ValidationFailed) as exc:
        role_assign(actor=world.users["province"], user=newcomer, role="unit_lead",
                    node=world.schools["a"])
    assert reasons(exc) == {("node", "wrong_kind")}
    with pytest.raises(ValidationFailed) as exc:
        role_assign(actor=world.users["province"], user=newcomer, role="province_admin",
                    node=world.bureaus["jinshui"])
    assert reasons(exc) == {("node", "wrong_level")}


def test_it_refuses_a_role_with_more_than_the_actor_holds(world, newcomer):
    # A bureau admin may not change people, so may not make a school admin who can.
    with pytest.raises(ValidationFailed) as exc:
        role_assign(actor=world.users["jinshui_bureau"], user=newcomer, role="school_admin",
                    node=world.schools["a"])
    assert reasons(exc) == {("role", "exceeds_own")}
    assert role_assign(actor=world.users["jinshui_bureau"], user=newcomer, role="outbreak_reporter",
                       node=world.schools["a"])


def test_it_refuses_roles_from_users_who_do_not_manage_roles(world, newcomer):
    with pytest.raises(Http404):
        role_assign(actor=world.users["teacher_a1"], user=newcomer, role="gate_officer",
                    node=world.schools["a"])


def test_it_makes_and_unmakes_a_class_teacher(world, newcomer):
    klass = world.classes["a_c2"]
    assert role_assign(actor=world.users["school_a_admin"], user=newcomer, role="class_teacher",
                       node=klass) is None
    klass.refresh_from_db()
    assert klass.teacher == newcomer
    assert Person.objects.restrict(newcomer, "people.view").filter(klass=klass).exists()
    assert role_revoke(actor=world.users["school_a_admin"], user=newcomer, role="class_teacher",
                       node=klass)
    klass.refresh_from_db()
    assert klass.teacher is None


def test_it_revokes_a_role_once(world):
    gate = world.users["gate_a"]
    admin = world.users["school_a_admin"]
    assert role_revoke(actor=admin, user=gate, role="gate_officer", node=world.schools["a"])
    assert not role_revoke(actor=admin, user=gate, role="gate_officer", node=world.schools["a"])
    assert not RoleAssignment.objects.filter(user=gate).exists()


def test_it_hides_roles_out_of_scope_from_revocation(world):
    with pytest.raises(Http404):
        role_revoke(actor=world.users["school_b_admin"], user=world.users["gate_a"],
                    role="gate_officer", node=world.schools["a"])
    assert RoleAssignment.objects.filter(user=world.users["gate_a"]).exists()


def test_it_refuses_to_assign_guardian_or_self_roles(world, newcomer):
    with pytest.raises(ValidationFailed) as exc:
        role_assign(actor=world.users["province"], user=newcomer, role="guardian",
                    node=world.schools["a"])
    assert reasons(exc) == {("role", "not_assignable")}


def test_it_refuses_changes_to_ones_own_roles(world):
    admin = world.users["school_a_admin"]
    with pytest.raises(ValidationFailed) as exc:
        role_assign(actor=admin, user=admin, role="class_teacher", node=world.classes["a_c1"])
    assert reasons(exc) == {("user", "self")}
    with pytest.raises(ValidationFailed):
        role_revoke(actor=admin, user=admin, role="school_admin", node=world.schools["a"])
