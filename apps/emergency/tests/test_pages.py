"""Mode pages and /api/v1/emergency through the whole stack, with personas."""

import json

import pytest
from django.test import Client

from apps.emergency.models import ModeSwitch
from apps.emergency.selectors import online_scopes, school_mode

pytestmark = pytest.mark.django_db


def client_for(world, username) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def test_it_sends_a_school_user_straight_to_their_school(world):
    response = client_for(world, "teacher_a1").get("/emergency/modes/")
    assert response.status_code == 302
    assert response.url == f"/emergency/modes/{world.schools['a'].pk}/"


def test_it_switches_the_school_from_the_page(world):
    a = world.schools["a"]
    client = client_for(world, "school_a_admin")
    response = client.post(f"/emergency/modes/{a.pk}/", {
        "scope": "school", "target": "", "mode": "closed_loop", "reason": "省内报告本土病例"})
    assert response.status_code == 302
    assert school_mode(school_id=a.pk) == "closed_loop"
    page = client.get(f"/emergency/modes/{a.pk}/").content.decode()
    assert "省内报告本土病例" in page and 'id="mode-form"' in page


def test_it_puts_a_class_online_from_the_page(world):
    a, klass = world.schools["a"], world.classes["a_c2"]
    response = client_for(world, "school_a_admin").post(f"/emergency/modes/{a.pk}/", {
        "scope": "klass", "target": f"klass:{klass.pk}", "mode": "online", "reason": "流感"})
    assert response.status_code == 302
    assert online_scopes(school_id=a.pk)["klass"] == {klass.pk}


def test_it_shows_the_missing_reason_on_the_form(world):
    a = world.schools["a"]
    client = client_for(world, "school_a_admin")
    client.post(f"/emergency/modes/{a.pk}/", {"scope": "school", "mode": "emergency"})
    response = client.post(f"/emergency/modes/{a.pk}/", {"scope": "school", "mode": "normal"})
    assert response.status_code == 400
    assert school_mode(school_id=a.pk) == "emergency"
    assert "invalid-feedback" in response.content.decode()


def test_it_shows_a_class_teacher_the_mode_without_the_form(world):
    a = world.schools["a"]
    client = client_for(world, "teacher_a1")
    page = client.get(f"/emergency/modes/{a.pk}/").content.decode()
    assert 'id="school-mode"' in page and 'id="mode-form"' not in page
    assert "当前模式" in page  # Chinese by default, from the app's own catalogue
    response = client.post(f"/emergency/modes/{a.pk}/", {"scope": "school", "mode": "emergency"})
    assert response.status_code == 404
    assert not ModeSwitch.objects.exists()


@pytest.mark.parametrize("persona", ["school_b_admin", "zhongyuan_bureau", "guardian_a1"])
def test_it_hides_the_school_from_those_out_of_scope(world, persona):
    response = client_for(world, persona).get(f"/emergency/modes/{world.schools['a'].pk}/")
    assert response.status_code == 404


def test_it_lists_a_bureaus_schools_not_in_normal_mode(world):
    a = world.schools["a"]
    client_for(world, "school_a_admin").post(f"/emergency/modes/{a.pk}/", {
        "scope": "school", "mode": "emergency", "reason": "触发"})
    province = client_for(world, "province").get("/emergency/modes/").content.decode()
    listed = province.split('id="mode-schools"')[1].split("</table>")[0]
    assert a.name in listed and world.schools["b"].name not in listed
    other = client_for(world, "luoyang_bureau").get("/emergency/modes/", follow=True)
    assert a.name not in other.content.decode()


def test_it_switches_and_reads_modes_through_the_api(world):
    a = world.schools["a"]
    client = client_for(world, "school_a_admin")
    response = client.post(f"/api/v1/emergency/schools/{a.pk}/modes",
                           json.dumps({"mode": "closed_loop", "reason": "两触发"}),
                           content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "closed_loop"
    assert [(s["scope"], s["mode"]) for s in body["states"]] == [("school", "closed_loop")]
    refused = client.post(f"/api/v1/emergency/schools/{a.pk}/modes",
                          json.dumps({"mode": "normal"}), content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "reason"
    other = client_for(world, "school_b_admin").get(f"/api/v1/emergency/schools/{a.pk}/modes")
    assert other.status_code == 404
