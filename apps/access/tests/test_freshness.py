"""A revoke or a role change reaches a cached API token at its next request, in every
process: each process keeps its cache, so another process's cache is the one a change made
here must not fool. A change here never clears the cache (only `forget_tokens` would); the
cached entry is found stale by the user's access_version."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.access import tokens
from apps.access.appointments import class_teacher_revoke, role_end_set, role_revoke
from apps.access.models import ApiToken, RoleAssignment, User
from apps.access.services import api_token_create
from apps.access.tokens import cached_token_user

pytestmark = pytest.mark.django_db


def roles(user) -> set:
    from apps.access.grants import grants_for

    return {g.role for g in grants_for(user)}


@pytest.fixture
def gate_token(world):
    _token, raw = api_token_create(user=world.users["gate_a"], name="闸机", permissions=None)
    assert "gate_officer" in roles(cached_token_user(raw))  # now cached in this process
    return raw


def me(raw) -> Client:
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})


def test_it_refuses_a_revoked_role_at_the_next_request_of_a_cached_token(world, gate_token):
    cached = tokens._cache.copy()  # the other process's cache, as it stood
    role_revoke(revoker=world.users["school_a_admin"],
                assignment=RoleAssignment.objects.get(user=world.users["gate_a"]))
    assert tokens._cache == cached  # nothing cleared it here
    assert "gate_officer" not in roles(cached_token_user(gate_token))
    assert [r["role"] for r in me(gate_token).json()["roles"]] == []


def test_it_reads_the_same_cached_token_with_no_change_without_reading_its_grants(
        world, gate_token, django_assert_num_queries):
    with django_assert_num_queries(1):  # the version check only
        assert cached_token_user(gate_token) == world.users["gate_a"]


def test_it_refuses_a_token_revoked_in_another_process(world, gate_token):
    # Revoked by a plain UPDATE (another process's service, a script): no cache was cleared.
    ApiToken.objects.filter(user=world.users["gate_a"]).update(revoked_at=timezone.now())
    assert cached_token_user(gate_token) is None
    assert me(gate_token).status_code == 401


def test_it_refuses_a_deactivated_user_at_once(world, gate_token):
    User.objects.filter(pk=world.users["gate_a"].pk).update(is_active=False)
    assert cached_token_user(gate_token) is None


def test_it_ends_a_role_whose_last_day_passes_while_cached(world, gate_token, clock):
    role_end_set(actor=world.users["school_a_admin"],
                 assignment=RoleAssignment.objects.get(user=world.users["gate_a"]),
                 ends_on=timezone.localdate())
    assert "gate_officer" in roles(cached_token_user(gate_token))
    clock.move_to(timezone.now() + timedelta(days=1))
    assert "gate_officer" not in roles(cached_token_user(gate_token))


def test_it_drops_a_class_from_its_old_teacher_at_once(world):
    _token, raw = api_token_create(user=world.users["teacher_a1"], name="t", permissions=None)
    assert "class_teacher" in roles(cached_token_user(raw))
    class_teacher_revoke(revoker=world.users["school_a_admin"], klass=world.classes["a_c1"])
    assert "class_teacher" not in roles(cached_token_user(raw))


def test_it_counts_a_change_made_in_the_django_admin(world, gate_token):
    admin = User.objects.create_superuser(username="root", password="x-very-long-pass")
    client = Client()
    client.force_login(admin)
    assignment = RoleAssignment.objects.get(user=world.users["gate_a"])
    answer = client.post(f"/admin/access/roleassignment/{assignment.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302 and not RoleAssignment.objects.filter(pk=assignment.pk)
    assert "gate_officer" not in roles(cached_token_user(gate_token))


def test_it_counts_a_guardianship_and_a_task_force_seat(world):
    from apps.emergency.models import TaskForceMember
    from apps.people.models import Guardianship

    guardian = world.users["guardian_a1"]
    _token, raw = api_token_create(user=guardian, name="g", permissions=None)
    assert "guardian" in roles(cached_token_user(raw))
    Guardianship.objects.filter(user=guardian).get().delete()
    assert "guardian" not in roles(cached_token_user(raw))
    TaskForceMember.objects.create(school=world.schools["a"], user=guardian, name="张爸爸",
                                   duty="联络")
    assert "task_force" in roles(cached_token_user(raw))
