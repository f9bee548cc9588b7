"""The pages, posted like a browser: open an isolation, record the day's care, extend and
release; errors land on the form's fields."""

import pytest
from django.test import Client

from apps.isolation.models import CareVisit, Isolation

from .conftest import day, opened, room

pytestmark = pytest.mark.django_db


def _client(world, username="school_a_admin"):
    client = Client()
    client.force_login(world.users[username])
    return client


def test_open_then_care_then_release(world):
    client = _client(world)
    person = world.persons["a1_student"]
    page = client.get(f"/isolation/new/?person={person.pk}")
    assert page.status_code == 200
    answer = client.post(f"/isolation/new/?person={person.pk}", {
        "person": person.pk, "place_kind": "home", "start": day(0), "planned_end": day(5),
        "reason": "密接", "client_id": "c1"})
    isolation = Isolation.objects.get(person=person)
    assert answer.status_code == 302 and answer["Location"] == f"/isolation/{isolation.pk}/"
    answer = _client(world, "teacher_a1").post(f"/isolation/{isolation.pk}/care/", {
        "health": "well", "meals": "ok", "study": "behind", "mood": "low", "note": "想家"})
    assert answer.status_code == 302
    assert CareVisit.objects.get(isolation=isolation).study == "behind"
    assert client.post(f"/isolation/{isolation.pk}/extend/", {
        "planned_end": day(8), "reason": "复检"}).status_code == 302
    assert client.post(f"/isolation/{isolation.pk}/close/", {"released_on": day(0)}
                       ).status_code == 302
    isolation.refresh_from_db()
    assert (isolation.planned_end, isolation.ended_on) == (day(8), day(0))
    detail = client.get(f"/isolation/{isolation.pk}/").content.decode()
    assert "想家" in detail


def test_a_full_room_is_said_on_the_form(world):
    r = room(world, capacity=1)
    opened(world, place_kind="campus", room_id=r.pk)
    person = world.persons["a2_student"]
    answer = _client(world).post("/isolation/new/", {
        "person": person.pk, "place_kind": "campus", "room": r.pk, "start": day(0),
        "planned_end": day(5), "reason": "密接"}, headers={"accept-language": "zh-hans"})
    assert answer.status_code == 400
    assert "已满" in answer.content.decode()


def test_rooms_page_adds_a_room_and_lists_occupancy(world):
    client = _client(world)
    answer = client.post("/isolation/rooms/", {"school": world.schools["a"].pk,
                                               "name": "一号隔离室", "capacity": 2})
    assert answer.status_code == 302
    page = client.get("/isolation/").content.decode()
    assert "一号隔离室" in page and "0 / 2" in page
