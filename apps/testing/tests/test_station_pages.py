"""The station page: who may open it, and what its script is given."""

import json
import re

import pytest
from django.test import Client

from apps.testing.tests.helpers_station import open_round

pytestmark = pytest.mark.django_db


def client_for(world, username):
    client = Client()
    client.force_login(world.users[username])
    return client


def config(page: str) -> dict:
    found = re.search(r'<script id="station-config" type="application/json">(.*?)</script>',
                      page, re.S)
    return json.loads(found.group(1))


def test_it_takes_a_sampler_straight_to_the_only_open_round(world):
    test_round = open_round(world, stations=["东门"])
    sampler = client_for(world, "sampler_a")
    response = sampler.get("/testing/station/")
    assert response.status_code == 302 and response.url == f"/testing/station/{test_round.pk}/"
    page = sampler.get(response.url).content.decode()
    settings = config(page)
    assert settings["round"] == test_round.pk and settings["default_size"] == 10
    assert settings["api"] == {"open": f"/api/v1/testing/rounds/{test_round.pk}/tubes",
                               "tube": "/api/v1/testing/tubes"}
    assert 'id="scan-input"' in page and "东门" in page


def test_it_offers_only_single_tubes_in_a_single_round(world):
    test_round = open_round(world, kind="antigen")
    page = client_for(world, "sampler_a").get(f"/testing/station/{test_round.pk}/")
    assert config(page.content.decode())["sizes"] == [1]


@pytest.mark.parametrize("username", ["teacher_a1", "school_b_admin", "guardian_a1"])
def test_it_keeps_the_station_from_anyone_who_cannot_sample_there(world, username):
    test_round = open_round(world)
    client = client_for(world, username)
    assert client.get(f"/testing/station/{test_round.pk}/").status_code == 404
    assert client.get("/testing/station/").status_code == 404
