"""The staff accounts API: made in one call with the codes in the answer; out of scope is
`not_found`, naming the field, with nothing written."""

import pytest
from django.test import Client

from apps.access.models import User

pytestmark = pytest.mark.django_db


def client_for(world, username) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def test_it_makes_the_accounts_and_answers_their_codes(world, staff):
    answer = client_for(world, "school_a_admin").post(
        f"/api/v1/schools/{world.schools['a'].pk}/staff-accounts")
    body = answer.json()
    assert answer.status_code == 200 and (body["created"], body["class_teachers"]) == (4, 1)
    assert {c["place"] for c in body["codes"]} == {"七年级2班", "七年级3班", "教务处"}
    again = client_for(world, "school_a_admin").post(
        f"/api/v1/schools/{world.schools['a'].pk}/staff-accounts").json()
    assert (again["created"], again["codes"]) == (0, [])


def test_it_answers_out_of_scope_as_nothing(world, staff):
    users = User.objects.count()
    client = client_for(world, "school_b_admin")
    answer = client.post(f"/api/v1/schools/{world.schools['a'].pk}/staff-accounts")
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "school"
    for action in ("reset", "deactivate", "reactivate"):
        answer = client.post(f"/api/v1/accounts/{world.users['teacher_a1'].pk}/{action}")
        assert answer.status_code == 422
        assert [(e["field"], e["reason"]) for e in answer.json()["errors"]] == [
            ("user", "not_found")]
    assert User.objects.count() == users
    assert User.objects.get(pk=world.users["teacher_a1"].pk).is_active


def test_it_deactivates_and_reactivates(world):
    client = client_for(world, "school_a_admin")
    user = world.users["teacher_a1"]
    body = client.post(f"/api/v1/accounts/{user.pk}/deactivate").json()
    assert body["is_active"] is False
    twice = client.post(f"/api/v1/accounts/{user.pk}/deactivate")
    assert twice.status_code == 422 and twice.json()["errors"][0]["reason"] == "inactive"
    assert client.post(f"/api/v1/accounts/{user.pk}/reactivate").json()["is_active"] is True


def test_it_tells_an_admin_their_own_account_is_not_theirs_to_reset(world):
    admin = world.users["school_a_admin"]
    answer = client_for(world, "school_a_admin").post(f"/api/v1/accounts/{admin.pk}/reset")
    assert [(e["field"], e["reason"]) for e in answer.json()["errors"]] == [("user", "self")]
    admin.refresh_from_db()
    assert admin.has_usable_password()
