"""Who sees an isolation: the school, the class teacher of its class, the bureaus above, the
person and their guardian; not another school, another county, a teacher of another class,
a gate officer (404 everywhere, like an isolation that does not exist). Who acts on it: the
school's epidemic office opens and closes; the class teacher records care."""

import pytest
from django.test import Client

from apps.access.models import AccessLog
from apps.isolation import selectors

from .conftest import CARE, day, opened, room

pytestmark = pytest.mark.django_db

SEE = ["school_a_admin", "reporter_a", "teacher_a1", "unit_lead_a", "jinshui_bureau",
       "province", "guardian_a1", "student_a1"]
DO_NOT_SEE = ["school_b_admin", "zhongyuan_bureau", "luoyang_bureau", "teacher_a2",
              "teacher_b1", "gate_a"]


def _client(world, username):
    client = Client()
    client.force_login(world.users[username])
    return client


@pytest.mark.parametrize("username", SEE + DO_NOT_SEE)
def test_it_shows_an_isolation_only_in_scope(world, username):
    isolation = opened(world)
    user, client = world.users[username], _client(world, username)
    seen = username in SEE
    assert selectors.isolation_list(user=user).filter(pk=isolation.pk).exists() == seen
    assert client.get(f"/isolation/{isolation.pk}/").status_code == (200 if seen else 404)
    assert client.get(f"/api/v1/isolation/{isolation.pk}").status_code == (200 if seen else 404)
    listed = client.get("/api/v1/isolation").json()["items"] if seen or username != "gate_a" \
        else []
    assert [i["id"] for i in listed] == ([isolation.pk] if seen else [])


def test_reading_an_isolation_is_access_logged(world):
    isolation = opened(world)
    _client(world, "teacher_a1").get(f"/isolation/{isolation.pk}/")
    log = AccessLog.objects.get(user=world.users["teacher_a1"], action="view_health")
    assert (log.object_type, log.object_id) == ("people.person", str(isolation.person_id))


@pytest.mark.parametrize(("username", "status"), [
    ("school_a_admin", 200), ("reporter_a", 200), ("teacher_a1", 404), ("jinshui_bureau", 404),
    ("school_b_admin", 404), ("guardian_a1", 404)])
def test_only_the_epidemic_office_closes(world, username, status):
    isolation = opened(world)
    answer = _client(world, username).post(f"/api/v1/isolation/{isolation.pk}/close", {},
                                           content_type="application/json")
    assert answer.status_code == status


@pytest.mark.parametrize(("username", "status"), [
    ("teacher_a1", 200), ("unit_lead_a", 200), ("school_a_admin", 200), ("teacher_a2", 404),
    ("guardian_a1", 404), ("jinshui_bureau", 404), ("school_b_admin", 404)])
def test_the_staff_who_look_after_the_person_record_care(world, username, status):
    isolation = opened(world)
    answer = _client(world, username).post(f"/api/v1/isolation/{isolation.pk}/care", CARE,
                                           content_type="application/json")
    assert answer.status_code == status


def test_a_full_room_is_a_422_naming_the_room(world):
    r = room(world, capacity=1)
    opened(world, place_kind="campus", room_id=r.pk)
    answer = _client(world, "school_a_admin").post("/api/v1/isolation", {
        "person_id": world.persons["a2_student"].pk, "place_kind": "campus",
        "room_id": r.pk, "start": str(day(0)), "planned_end": str(day(2)), "reason": "密接",
    }, content_type="application/json", headers={"accept-language": "en"})
    assert answer.status_code == 422
    assert "room_id" in answer.content.decode()


def test_rooms_show_occupancy_to_the_school_and_not_to_another(world):
    r = room(world, capacity=3)
    opened(world, place_kind="campus", room_id=r.pk)
    mine = _client(world, "school_a_admin").get("/api/v1/isolation/rooms").json()
    assert [(x["name"], x["occupied"], x["capacity"]) for x in mine] == [("隔离室一", 1, 3)]
    assert _client(world, "school_b_admin").get("/api/v1/isolation/rooms").json() == []


def test_the_school_home_lists_unvisited_and_the_bureau_counts_them(world):
    isolation = opened(world)
    home = _client(world, "school_a_admin").get("/")
    assert isolation.person.name in home.content.decode()
    assert home.context["isolation_unvisited_count"] == 1
    bureau = _client(world, "jinshui_bureau").get("/")
    assert bureau.context["isolation_unvisited_total"] == 1
    from apps.isolation import services

    services.care_visit_record(actor=world.users["teacher_a1"], isolation_id=isolation.pk,
                               **CARE)
    assert "isolation_unvisited" not in _client(world, "school_a_admin").get("/").context or \
        not _client(world, "school_a_admin").get("/").context["isolation_unvisited"]
