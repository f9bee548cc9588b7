"""The admin pages for accounts open, and tokens cannot be made there."""

import pytest
from django.test import Client

from apps.access.models import User
from apps.access.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(world):
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="root-password-long"))
    return client


@pytest.mark.parametrize("page", [
    "access/user/", "access/roleassignment/", "access/apitoken/", "access/loginfailure/",
    "access/accesslog/", "operations/workerheartbeat/",
])
def test_it_opens_the_admin_lists(superuser_client, page):
    assert superuser_client.get(f"/admin/{page}").status_code == 200


def test_it_shows_a_token_without_its_hash_and_offers_no_add(superuser_client, world):
    token, _raw = api_token_create(user=world.users["gate_a"], name="gate", permissions=None)
    page = superuser_client.get(f"/admin/access/apitoken/{token.pk}/change/")
    assert page.status_code == 200 and token.key_hash not in page.content.decode()
    assert superuser_client.get("/admin/access/apitoken/add/").status_code == 403
    user_page = superuser_client.get(f"/admin/access/user/{world.users['gate_a'].pk}/change/")
    assert user_page.status_code == 200


def test_it_sends_the_admin_login_to_the_login_page_with_its_lockout(world, settings):
    root = User.objects.create_superuser("root", password="root-password-long")
    client = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES + 2):
        answer = client.post("/admin/login/?next=/admin/",
                             {"username": "root", "password": "a-wrong-guess"})
        assert answer.status_code == 302
        assert answer.headers["Location"] == "/login/?next=/admin/"
    # no password was checked there; at the login page every failure counts
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/login/", {"username": "root", "password": "a-wrong-guess"})
    locked = client.post("/login/?next=/admin/",
                         {"username": "root", "password": "root-password-long"})
    assert locked.status_code == 401
    assert client.get("/admin/").status_code == 302  # still not signed in
    root.refresh_from_db()
    assert root.last_login is None


def test_it_stops_a_token_revoked_or_deleted_in_the_admin_at_once(superuser_client, world):
    from apps.access.models import ApiToken
    from apps.access.tokens import cached_token_user

    revoked, raw_revoked = api_token_create(user=world.users["gate_a"], name="g1",
                                            permissions=None)
    deleted, raw_deleted = api_token_create(user=world.users["gate_a"], name="g2",
                                            permissions=None)
    assert cached_token_user(raw_revoked) and cached_token_user(raw_deleted)  # now cached
    superuser_client.post("/admin/access/apitoken/", {
        "action": "revoke", "_selected_action": [revoked.pk]})
    assert ApiToken.objects.get(pk=revoked.pk).revoked_at is not None
    assert cached_token_user(raw_revoked) is None
    superuser_client.post(f"/admin/access/apitoken/{deleted.pk}/delete/", {"post": "yes"})
    assert not ApiToken.objects.filter(pk=deleted.pk).exists()
    assert cached_token_user(raw_deleted) is None
