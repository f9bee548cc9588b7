"""The page of staff living on campus: its form is posted through core.pages.form_submit, so
an invalid form or a refusal of the service is the page again, answered 400, with the error
on the field."""

import pytest
from django.test import Client
from django.utils import timezone

from apps.emergency.models import CampusResident

pytestmark = pytest.mark.django_db


def post(world, persona, **data):
    client = Client()
    client.force_login(world.users[persona])
    return client.post(f"/emergency/modes/{world.schools['a'].pk}/residents/",
                       {"since": timezone.localdate().isoformat(), **data})


def test_a_valid_form_records_and_goes_back_to_the_list(world):
    response = post(world, "school_a_admin", number="T001")
    assert response.status_code == 302
    assert response.url == f"/emergency/modes/{world.schools['a'].pk}/residents/"
    assert CampusResident.objects.get().person == world.persons["a_staff"]


@pytest.mark.parametrize(("data", "message"), [
    ({"number": ""}, "This field is required"),
    ({"number": "T001", "since": "soon"}, "Enter a valid date"),
    ({"number": "A2024001"}, ""),  # a student: the service refuses it on the number
], ids=["no number", "bad date", "a student"])
def test_an_invalid_form_is_the_page_again_with_its_errors(world, settings, data, message):
    settings.LANGUAGE_CODE = "en"
    response = post(world, "school_a_admin", **data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="resident-form"' in page and "invalid-feedback" in page and message in page
    assert not CampusResident.objects.exists()


def test_whoever_may_only_read_cannot_post(world):
    assert post(world, "teacher_a1", number="T001").status_code == 404
    assert not CampusResident.objects.exists()
