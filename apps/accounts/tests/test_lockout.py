"""One lockout for every way in (apps.access.lockout): the login page, /admin/login/ (which
leads there), the API (tokens are minted only from a signed-in session), the activation
page and a guardian's sign-up all count failures of one account name, and all refuse it
while it is locked."""

import pytest
from django.conf import settings
from django.test import Client

from apps.access.models import LoginFailure
from shaodian.testing.world import PASSWORD

pytestmark = pytest.mark.django_db
PHONE = "13912340009"


def lock(username: str) -> None:
    for _n in range(settings.LOGIN_MAX_FAILURES):
        Client().post("/login/", {"username": username, "password": "not-the-password"})


def test_the_login_page_refuses_a_locked_name_with_the_right_password(world):
    lock("teacher_a1")
    answer = Client().post("/login/", {"username": "teacher_a1", "password": PASSWORD})
    assert answer.status_code == 401 and "失败次数过多" in answer.content.decode()


def test_the_admin_login_leads_to_the_login_page_and_signs_no_one_in(world):
    client = Client()
    answer = client.post("/admin/login/?next=/admin/", {"username": "province",
                                                        "password": PASSWORD})
    assert answer.status_code == 302 and answer.url.startswith("/login/")
    assert "_auth_user_id" not in client.session
    lock("province")
    assert Client().post("/login/", {"username": "province",
                                     "password": PASSWORD}).status_code == 401


def test_an_api_token_comes_only_from_a_signed_in_session(world):
    from apps.access.services import api_token_create

    anonymous = Client().post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert anonymous.status_code == 401
    _token, raw = api_token_create(user=world.users["teacher_a1"], name="t", permissions=None)
    minted = Client().post("/api/v1/tokens", {"name": "x"}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert (minted.status_code, minted.json()["code"]) == (403, "session_required")


def _sign_up(code: str):
    return Client().post("/families/signup/", {
        "code": code, "phone": PHONE, "name": "刘妈妈", "relation": "母亲",
        "password": "Liu-2026-pass", "consent": "on"})


def test_a_guardian_sign_up_counts_toward_and_obeys_the_same_lockout(world):
    from apps.families.services import binding_codes_issue

    code = binding_codes_issue(actor=world.users["teacher_a1"],
                               klass_id=world.classes["a_c1"].pk)[0].code
    assert _sign_up("WRONG-CODE-XXXX").status_code == 400
    assert LoginFailure.objects.filter(username=PHONE).count() == 1
    lock(PHONE)
    answer = _sign_up(code)
    assert answer.status_code == 400 and "失败次数过多" in answer.content.decode()
    assert not world.users["teacher_a1"].__class__.objects.filter(username=PHONE).exists()
