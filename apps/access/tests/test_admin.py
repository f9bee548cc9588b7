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
