"""/api/v1/persons/{id}/trips and /exposures through the whole stack, with personas."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.travel.models import TripLeg

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def api(world):
    def call(username, method, path, body=None):
        client = Client()
        client.force_login(world.users[username])
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        return getattr(client, method)("/api/v1" + path, **kwargs)

    return call


def trip(**extra):
    day = (TODAY - timedelta(days=5)).isoformat()
    back = (TODAY - timedelta(days=2)).isoformat()
    return {"legs": [
        {"from_region": "410105", "to_region": "上海市浦东新区", "depart": day, "arrive": day,
         "transport": "train", "number": "G1234"},
        {"from_region": "310115", "to_region": "410105", "depart": back, "arrive": back,
         "transport": "flight", "number": "MU123"},
    ], **extra}


def test_it_declares_and_lists_a_trip_once_per_client_id(world, api):
    pk = world.persons["a1_student"].pk
    first = api("teacher_a1", "post", f"/persons/{pk}/trips", trip(client_id="x-1"))
    assert first.status_code == 201, first.content
    again = api("guardian_a1", "post", f"/persons/{pk}/trips", trip(client_id="x-1"))
    assert [leg["id"] for leg in again.json()] == [leg["id"] for leg in first.json()]
    listed = api("jinshui_bureau", "get", f"/persons/{pk}/trips").json()
    assert listed["count"] == 2 and {x["to_region"] for x in listed["items"]} == {"310115",
                                                                                  "410105"}


def test_it_answers_bad_legs_with_each_field(world, api):
    pk = world.persons["a1_student"].pk
    body = trip()
    body["legs"][1]["arrive"] = (TODAY - timedelta(days=3)).isoformat()
    body["legs"][0]["to_region"] = "999999"
    response = api("teacher_a1", "post", f"/persons/{pk}/trips", body)
    assert response.status_code == 422
    assert {(e["field"], e["reason"]) for e in response.json()["errors"]} == {
        ("legs.0.to_region", "unknown_region"), ("legs.1.arrive", "before_departure")}
    assert not TripLeg.objects.exists()


def test_it_hides_another_class_and_another_child(world, api):
    other = world.persons["a2_student"].pk
    assert api("teacher_a1", "post", f"/persons/{other}/trips", trip()).status_code == 404
    assert api("guardian_a1", "post", f"/persons/{other}/exposures",
               {"kind": "case", "on": TODAY.isoformat()}).status_code == 404
    assert api("teacher_a1", "get", f"/persons/{other}/trips").status_code == 404


def test_it_declares_lists_and_withdraws_an_exposure(world, api):
    pk = world.persons["a1_student"].pk
    made = api("student_a1", "post", f"/persons/{pk}/exposures",
               {"kind": "close_contact", "on": TODAY.isoformat(), "detail": "同桌"})
    assert made.status_code == 201, made.content
    assert api("teacher_a1", "get", f"/persons/{pk}/exposures").json()["count"] == 1
    gone = api("guardian_a1", "post", f"/persons/{pk}/exposures/{made.json()['id']}/withdraw",
               {"reason": "填错了"})
    assert gone.status_code == 204
    assert api("teacher_a1", "get", f"/persons/{pk}/exposures").json()["count"] == 0
