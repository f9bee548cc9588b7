"""The home of those who check in (a guardian, a student): today's checks at the top with one
link to the check to answer now, and the personal code in its status's colour."""

import pytest
from django.test import Client

from apps.health import conf
from apps.status.colours import CODE_INK
from apps.status.models import PersonStatus

pytestmark = pytest.mark.django_db


def home(world, username) -> str:
    client = Client()
    client.force_login(world.users[username])
    return client.get("/").content.decode()


@pytest.mark.parametrize("username", ["guardian_a1", "student_a1"])
def test_it_puts_todays_checks_first_on_the_home_of_who_checks_in(world, username):
    page = home(world, username)
    person = world.persons["a1_student"].pk
    slot = conf.latest_open(("morning", "noon"))
    assert page.index('id="today-checkins"') < page.index("person-card")
    assert f'href="/health/?person={person}&amp;slot={slot}"' in page


def test_it_shows_no_checks_to_staff_who_check_in_nobody_of_their_own(world):
    assert 'id="today-checkins"' not in home(world, "school_a_admin")


@pytest.mark.parametrize("category, colour", [
    ("normal", "green"), ("home_monitoring", "yellow"), ("isolation", "red")])
def test_it_draws_the_code_in_the_status_colour(world, category, colour):
    person = world.persons["a1_student"]
    PersonStatus.objects.create(school_id=person.school_id, person=person, category=category,
                                pack="henan-2022", pack_version="x")
    page = home(world, "guardian_a1")
    assert f'data-colour="{colour}"' in page and CODE_INK[colour] in page
