"""The read-only people admin shows masked documents only."""

import pytest
from django.test import Client

from apps.access.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(world):
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    return client


def test_it_shows_people_masked_and_read_only(world, superuser_client):
    person = world.persons["a1_student"]
    pages = [
        superuser_client.get("/admin/people/person/"),
        superuser_client.get(f"/admin/people/person/?q={person.number}"),
        superuser_client.get(f"/admin/people/person/{person.pk}/change/"),
        superuser_client.get(f"/admin/people/person/{person.pk}/history/"),
    ]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert person.plain_document not in text and person.doc_hash not in text
    assert person.doc_masked in pages[0].content.decode()
    assert superuser_client.get("/admin/people/person/add/").status_code == 403
