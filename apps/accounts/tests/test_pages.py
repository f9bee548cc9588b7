"""The staff accounts pages: one click makes the school's accounts and prints the sheet, a
teacher activates with the code and must choose a password first, an admin resets or
deactivates an account below them only."""

import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from apps.access.models import ApiToken, LoginFailure, User
from apps.access.services import api_token_create
from apps.accounts.models import AccountEvent, ActivationCode
from shaodian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db
SLIP_RE = re.compile(r'slip-username font-monospace">([^<]+)</span></div>\s*<div>[^<]*'
                     r'<span class="code">([A-Z0-9-]{14})</span>')
NEW_PASSWORD = "Zhou-2026-spring"


def client_for(world, username) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def create(world) -> dict[str, str]:
    answer = client_for(world, "school_a_admin").post(
        f"/accounts/schools/{world.schools['a'].pk}/create/")
    assert answer.status_code == 200
    return dict(SLIP_RE.findall(answer.content.decode()))


def test_it_prints_the_codes_grouped_by_class_and_unit(world, staff):
    answer = client_for(world, "school_a_admin").post(
        f"/accounts/schools/{world.schools['a'].pk}/create/")
    page = answer.content.decode()
    places = re.findall(r'<section class="group mb-3" data-place="([^"]*)">', page)
    assert places == ["七年级2班", "七年级3班", "教务处"]
    assert len(SLIP_RE.findall(page)) == 4 and "@media print" in page
    again = client_for(world, "school_a_admin").post(
        f"/accounts/schools/{world.schools['a'].pk}/create/", follow=True)
    assert again.redirect_chain[-1][0] == f"/accounts/schools/{world.schools['a'].pk}/"


def test_a_teacher_activates_chooses_a_password_and_signs_in(world, staff):
    codes = create(world)
    teacher = Client()
    answer = teacher.post("/accounts/activate/", {"username": "4101050001-t010",
                                                  "code": codes["4101050001-t010"]})
    assert answer.status_code == 302 and answer.url == "/accounts/password/"
    # Every page leads to the password page meanwhile; the API refuses.
    assert teacher.get("/").url.startswith("/accounts/password/?next=")
    api = teacher.get("/api/v1/me")
    assert (api.status_code, api.json()["code"]) == (403, "password_change_required")
    weak = teacher.post("/accounts/password/", {"new_password1": "12345678",
                                                "new_password2": "12345678"})
    assert weak.status_code == 400 and 'id="field-new_password1"' in weak.content.decode()
    done = teacher.post("/accounts/password/", {"new_password1": NEW_PASSWORD,
                                                "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    user = User.objects.get(username="4101050001-t010")
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)
    assert teacher.get("/").status_code == 200
    fresh = Client()
    assert fresh.post("/login/", {"username": "4101050001-t010",
                                  "password": NEW_PASSWORD}).status_code == 302
    assert "七年级3班" in fresh.get("/").content.decode()


@pytest.mark.parametrize("case", ["used", "expired", "wrong", "other_username"])
def test_it_refuses_a_bad_code_naming_the_field(world, staff, case, clock):
    codes = create(world)
    code, username = codes["4101050001-t010"], "4101050001-t010"
    if case == "used":
        Client().post("/accounts/activate/", {"username": username, "code": code})
    elif case == "expired":
        ActivationCode.objects.update(expires_at="2000-01-01T00:00:00Z")
    elif case == "wrong":
        code = "ABCD-EFGH-JKLM"
    else:
        username = "4101050001-t011"
    answer = Client().post("/accounts/activate/", {"username": username, "code": code})
    assert answer.status_code == 400
    assert answer.context["form"].errors["code"]
    assert LoginFailure.objects.filter(username=username).count() == 1


def test_wrong_codes_lock_the_username_even_for_the_right_code(world, staff):
    codes = create(world)
    username = "4101050001-t010"
    for _n in range(settings.LOGIN_MAX_FAILURES):
        Client().post("/accounts/activate/", {"username": username, "code": "ABCD-EFGH-JKLM"})
    answer = Client().post("/accounts/activate/", {"username": username,
                                                   "code": codes[username]})
    assert answer.status_code == 400 and "失败次数过多" in str(answer.context["form"].errors)
    assert not ActivationCode.objects.filter(used_at__isnull=False).exists()
    # The same counter locks the login page.
    login = Client().post("/login/", {"username": username, "password": "anything-at-all"})
    assert login.status_code == 401


def test_an_admin_resets_a_staff_account(world, staff):
    teacher_user = world.users["teacher_a1"]  # 王建国's account, a class teacher of a_c1
    teacher = client_for(world, "teacher_a1")
    token, raw = api_token_create(user=teacher_user, name="app", permissions=None)
    assert teacher.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    answer = client_for(world, "school_a_admin").post(f"/accounts/users/{teacher_user.pk}/reset/")
    assert answer.status_code == 200
    (username, code), = SLIP_RE.findall(answer.content.decode())
    assert username == "teacher_a1"
    teacher_user.refresh_from_db()
    assert teacher_user.must_change_password and not teacher_user.has_usable_password()
    assert teacher.get("/").url == "/login/?next=/"  # the session ended
    bearer = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert (bearer.status_code, bearer.json()["code"]) == (403, "password_change_required")
    assert Client().post("/accounts/activate/", {"username": username,
                                                 "code": code}).status_code == 302


@pytest.mark.parametrize("actor, target", [
    ("school_b_admin", "teacher_a1"),  # another school's
    ("teacher_a2", "teacher_a1"),  # no admin
    ("school_a_admin", "jinshui_bureau"),  # above
    ("school_a_admin", "reporter_a"),  # a peer? no: a reporter is below, see the next test
])
def test_it_answers_an_account_it_is_not_above_as_none(world, staff, actor, target):
    if target == "reporter_a":
        from apps.access.models import RoleAssignment

        RoleAssignment.objects.create(user=world.users["reporter_a"], role="school_admin",
                                      school=world.schools["a"])
    client = client_for(world, actor)
    for action in ("reset", "deactivate", "reactivate"):
        answer = client.post(f"/accounts/users/{world.users[target].pk}/{action}/")
        assert answer.status_code == 404
    user = world.users[target]
    user.refresh_from_db()
    assert user.is_active and not user.must_change_password


def test_a_bureau_resets_a_school_admin_it_may_appoint(world):
    admin = world.users["school_a_admin"]
    answer = client_for(world, "jinshui_bureau").post(f"/accounts/users/{admin.pk}/reset/")
    assert answer.status_code == 200
    assert client_for(world, "zhongyuan_bureau").post(
        f"/accounts/users/{admin.pk}/reset/").status_code == 404


def test_deactivation_ends_sessions_and_tokens_at_once(world):
    user = world.users["teacher_a1"]
    teacher = Client()
    assert teacher.post("/login/", {"username": "teacher_a1", "password": PASSWORD}).status_code \
        == 302
    _token, raw = api_token_create(user=user, name="app", permissions=None)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    admin = client_for(world, "school_a_admin")
    assert admin.post(f"/accounts/users/{user.pk}/deactivate/").status_code == 302
    user.refresh_from_db()
    assert not user.is_active and user.access_version > 0
    assert not any(s.get_decoded().get("_auth_user_id") == str(user.pk)
                   for s in Session.objects.all())
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert teacher.get("/").status_code == 302
    assert admin.post(f"/accounts/users/{user.pk}/reactivate/").status_code == 302
    assert Client().post("/login/", {"username": "teacher_a1",
                                     "password": PASSWORD}).status_code == 302


def test_it_prints_new_codes_for_a_class_voiding_the_old(world, staff):
    codes = create(world)
    teacher = Client()
    teacher.post("/accounts/activate/", {"username": "4101050001-t010",
                                         "code": codes["4101050001-t010"]})
    teacher.post("/accounts/password/", {"new_password1": NEW_PASSWORD,
                                         "new_password2": NEW_PASSWORD})
    admin = client_for(world, "school_a_admin")
    url = f"/accounts/schools/{world.schools['a'].pk}/codes/"
    answer = admin.post(url, {"klass": world.classes["a_c3"].pk})
    again = dict(SLIP_RE.findall(answer.content.decode()))
    assert list(again) == ["4101050001-t011"]  # T010 has chosen a password
    old = Client().post("/accounts/activate/", {"username": "4101050001-t011",
                                                "code": codes["4101050001-t011"]})
    assert old.status_code == 400  # voided by the new one
    other = admin.post(url, {"klass": world.classes["b_c1"].pk})
    assert other.status_code == 400 and other.context["form"].errors["klass"]
    events = list(AccountEvent.objects.values_list("action", flat=True))
    assert sorted(events) == ["activated", "codes", "created"]
