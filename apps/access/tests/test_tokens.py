"""API tokens: created hashed, limited to the user's permissions, expiring, revocable."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.access.grants import grants_for
from apps.access.models import ApiToken
from apps.access.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    token_touches_flush,
)
from apps.core.errors import ValidationFailed
from apps.people.models import Person

pytestmark = pytest.mark.django_db


def reasons(exc_info):
    return {(e.field, e.reason) for e in exc_info.value.errors}


def test_it_returns_the_plaintext_once_and_stores_only_its_hash(world):
    token, raw = api_token_create(user=world.users["gate_a"], name="东门闸机", permissions=None)
    assert raw.startswith(f"sd_{token.prefix}_") and len(raw) > 40
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.expires_at - timezone.now() > timedelta(days=89)


def test_it_authenticates_a_valid_token(world):
    _token, raw = api_token_create(user=world.users["gate_a"], name="gate",
                                   permissions=["gate.verdict"])
    user = api_token_authenticate(raw)
    assert user == world.users["gate_a"]
    assert user._shaodian_token_permissions == ["gate.verdict"]


def test_it_rejects_unknown_malformed_expired_and_revoked_tokens(world):
    user = world.users["school_a_admin"]
    expired, expired_raw = api_token_create(user=user, name="old", permissions=None, days=1)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked, revoked_raw = api_token_create(user=user, name="gone", permissions=None)
    api_token_revoke(user=user, token_id=revoked.pk)
    _token, good = api_token_create(user=user, name="good", permissions=None)
    for raw in (expired_raw, revoked_raw, good[:-1] + "x", "garbage", ""):
        assert api_token_authenticate(raw) is None


def test_it_rejects_a_token_of_an_inactive_user(world):
    user = world.users["school_a_admin"]
    _token, raw = api_token_create(user=user, name="t", permissions=None)
    user.is_active = False
    user.save()
    assert api_token_authenticate(raw) is None


def test_it_updates_last_used_at_at_most_once_a_minute(world):
    token, raw = api_token_create(user=world.users["school_a_admin"], name="t", permissions=None)
    token_touches_flush()
    api_token_authenticate(raw)
    token_touches_flush()
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    api_token_authenticate(raw)
    assert token_touches_flush() == 0
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api_token_authenticate(raw)
    assert token_touches_flush() == 1
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_it_writes_last_used_at_for_many_tokens_in_one_update(world, django_assert_num_queries):
    made = [api_token_create(user=world.users["school_a_admin"], name=f"t{n}", permissions=None)
            for n in range(3)]
    token_touches_flush()  # and the clock starts again: nothing is written for 10 s
    for _token, raw in made:
        api_token_authenticate(raw)
    with django_assert_num_queries(1):
        assert token_touches_flush() == 3
    assert ApiToken.objects.filter(pk__in=[t.pk for t, _r in made],
                                   last_used_at__isnull=False).count() == 3


def test_it_refuses_permissions_the_user_does_not_hold(world):
    with pytest.raises(ValidationFailed) as exc:
        api_token_create(user=world.users["gate_a"], name="x",
                         permissions=["gate.verdict", "people.view"])
    assert reasons(exc) == {("permissions", "not_held")}
    assert not ApiToken.objects.exists()


def test_it_accepts_a_subset_of_the_users_permissions(world):
    token, _raw = api_token_create(user=world.users["teacher_a1"], name="x",
                                   permissions=["people.view", "orgs.view"])
    assert token.permissions == ["orgs.view", "people.view"]


def test_it_refuses_an_empty_name_an_empty_permission_list_and_a_silly_lifetime(world):
    with pytest.raises(ValidationFailed) as exc:
        api_token_create(user=world.users["gate_a"], name=" ", permissions=[], days=0)
    assert reasons(exc) == {
        ("name", "required"), ("permissions", "empty"), ("days", "out_of_range")}


def test_it_narrows_the_grants_to_the_tokens_permissions(world):
    _token, raw = api_token_create(user=world.users["teacher_a1"], name="x",
                                   permissions=["orgs.view"])
    user = api_token_authenticate(raw)
    assert all(g.permissions <= {"orgs.view"} for g in grants_for(user))
    assert not Person.objects.restrict(user, "people.view").exists()
    assert Person.objects.restrict(world.users["teacher_a1"], "people.view").exists()


def test_it_lets_only_the_owner_revoke_a_token(world):
    token, raw = api_token_create(user=world.users["school_a_admin"], name="t", permissions=None)
    from django.http import Http404

    with pytest.raises(Http404):
        api_token_revoke(user=world.users["school_b_admin"], token_id=token.pk)
    assert api_token_authenticate(raw) is not None
    api_token_revoke(user=world.users["school_a_admin"], token_id=token.pk)
    assert api_token_authenticate(raw) is None


@pytest.mark.parametrize("persona", ["teacher_a1", "guardian_a1", "jinshui_bureau", "gate_a",
                                     "hospital_a", "province"])
def test_it_reads_a_token_and_its_users_grants_in_one_statement(world, persona,
                                                                django_assert_num_queries):
    from apps.access.grants import compute_grants

    user = world.users[persona]
    _token, raw = api_token_create(user=user, name="t", permissions=None)
    token_touches_flush()
    with django_assert_num_queries(1):
        found = api_token_authenticate(raw)
    assert found.pk == user.pk
    assert found._shaodian_grants == compute_grants(user) and found._shaodian_grants


def test_it_reads_a_token_of_a_user_with_no_grants(world):
    from apps.access.models import User

    nobody = User.objects.create_user(username="nobody")
    _token, raw = api_token_create(user=nobody, name="t", permissions=None)
    found = api_token_authenticate(raw)
    assert found.pk == nobody.pk and found._shaodian_grants == []
