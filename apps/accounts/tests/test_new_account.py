"""One account for someone on no roster (a bureau's admin, a new school's first admin): made
by an account manager with a code printed once, it belongs to nothing until a role is granted
to it, and its holder activates it and must choose a password."""

import pytest
from django.test import Client

from apps.access import appointments
from apps.access.models import RoleAssignment, User
from apps.accounts.models import AccountEvent, ActivationCode
from apps.accounts.services import account_create
from apps.accounts.services.codes import code_hash
from apps.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def reasons(**kwargs) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        account_create(**kwargs)
    return {e.field: e.reason for e in caught.value.errors}


def test_it_makes_an_unactivated_account_with_a_code_and_an_audit_row(world):
    bureau = world.users["jinshui_bureau"]
    issued = account_create(actor=bureau, username=" Principal-New ", display_name="周校长")
    user = User.objects.get(pk=issued.user_id)
    assert (user.username, user.display_name, user.must_change_password) == (
        "principal-new", "周校长", True)
    assert not user.has_usable_password()
    code = ActivationCode.objects.get(user=user)
    assert code.code_hash == code_hash(issued.code) and code.used_at is None
    assert AccountEvent.objects.filter(user=user, actor=bureau, action="created").exists()


def test_it_lets_the_bureau_appoint_the_new_account_school_admin(world):
    bureau = world.users["jinshui_bureau"]
    issued = account_create(actor=bureau, username="principal-new", display_name="周校长")
    user = appointments.user_by_username(granter=bureau, username=issued.username)
    appointments.role_grant(granter=bureau, user=user, role="school_admin",
                            school=world.schools["a"])
    assert RoleAssignment.objects.filter(user=user, role="school_admin",
                                         school=world.schools["a"]).exists()


@pytest.mark.parametrize(("username", "name", "expected"), [
    ("", "周校长", {"username": "required"}),
    ("has space", "周校长", {"username": "invalid"}),
    ("teacher_a1", "", {"username": "taken", "display_name": "required"}),
    ("TEACHER_A1", "周校长", {"username": "taken"}),
    ("x" * 151, "周" * 151, {"username": "too_long", "display_name": "too_long"}),
    ("principal-long", "周" * 51, {"display_name": "too_long"}),  # the column holds 50
])
def test_it_names_every_bad_field_and_makes_nothing(world, username, name, expected):
    before = User.objects.count()
    assert reasons(actor=world.users["jinshui_bureau"], username=username,
                   display_name=name) == expected
    assert User.objects.count() == before and not ActivationCode.objects.exists()


@pytest.mark.parametrize("persona", ["teacher_a1", "guardian_a1"])
def test_it_refuses_someone_who_manages_no_accounts(world, persona):
    assert reasons(actor=world.users[persona], username="sneaky",
                   display_name="x") == {"user": "not_found"}
    assert not User.objects.filter(username="sneaky").exists()


def test_it_prints_the_slip_from_the_page(world):
    client = Client()
    client.force_login(world.users["jinshui_bureau"])
    page = client.post("/accounts/new/", {"username": "principal-new",
                                          "display_name": "周校长"})
    assert page.status_code == 200
    assert "principal-new" in page.content.decode() and 'class="code"' in page.content.decode()
    refused = client.post("/accounts/new/", {"username": "principal-new",
                                             "display_name": "周校长"})
    assert refused.status_code == 400 and "已有使用此用户名的账号" in refused.content.decode()


def test_it_answers_the_api_with_the_code_once(world):
    client = Client()
    client.force_login(world.users["jinshui_bureau"])
    answer = client.post("/api/v1/accounts", {"username": "principal-new",
                                               "display_name": "周校长"},
                         content_type="application/json")
    assert answer.status_code == 201 and answer.json()["username"] == "principal-new"
    again = client.post("/api/v1/accounts", {"username": "principal-new",
                                              "display_name": "周校长"},
                        content_type="application/json")
    assert again.status_code == 422
    assert [(e["field"], e["reason"]) for e in again.json()["errors"]] == [("username", "taken")]
