"""A word with two meanings reads right on each page (pgettext contexts), in both languages."""

import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def client_for(world, username, language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(world.users[username])
    return client


def label(page: str, for_id: str) -> str:
    return re.search(rf'<label[^>]*for="{for_id}"[^>]*>([^<]+)<', page).group(1).strip()


def test_the_round_forms_scope_reads_whom_not_who_did_it(world):
    page = client_for(world, "school_a_admin", "zh-hans").get("/testing/rounds/new/")
    assert label(page.content.decode(), "id_scope") == "对象"


def test_a_trips_places_read_departure_and_destination_not_dates(world):
    person = world.persons["a1_student"]
    page = client_for(world, "guardian_a1", "zh-hans").get(
        f"/declarations/person/{person.pk}/trip/").content.decode()
    assert label(page, "legs-0-from_region") == "出发地"
    assert label(page, "legs-0-to_region") == "目的地"


def test_the_gate_lists_day_is_a_date_and_a_persons_day_is_day_school(world):
    page = client_for(world, "school_a_admin", "zh-hans").get("/gate/").content.decode()
    assert label(page, "f-day") == "日期"
    person = world.persons["a1_student"]
    detail = client_for(world, "school_a_admin", "zh-hans").get(
        f"/people/{person.pk}/").content.decode()
    assert "走读" in detail


def test_relations_read_in_the_readers_language(world):
    person = world.persons["a1_student"]
    english = client_for(world, "school_a_admin", "en").get(f"/people/{person.pk}/")
    page = english.content.decode()
    assert "Paternal grandmother" in page and "祖母" not in page
    chinese = client_for(world, "school_a_admin", "zh-hans").get(f"/people/{person.pk}/")
    assert "祖母" in chinese.content.decode()
