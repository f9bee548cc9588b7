"""The access log."""

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.access.audit import access_record
from apps.access.models import AccessLog

pytestmark = pytest.mark.django_db


def test_it_records_who_what_and_why(world):
    admin = world.users["school_a_admin"]
    person = world.persons["a1_student"]
    entry = access_record(user=admin, action="reveal_document", obj=person,
                          fields=["doc_number"], reason=" 核对学籍 ", ip="10.0.0.7")
    entry.refresh_from_db()
    assert entry.user == admin
    assert entry.action == "reveal_document"
    assert entry.school_id == person.school_id
    assert (entry.object_type, entry.object_id) == ("people.person", str(person.pk))
    assert entry.fields == "doc_number"
    assert entry.reason == "核对学籍"
    assert entry.ip == "10.0.0.7"
    assert entry.at is not None


def test_it_takes_the_school_from_a_school(world):
    school = world.schools["b"]
    entry = access_record(user=world.users["province"], action="view", obj=school, fields="name")
    assert entry.school_id == school.pk
    assert entry.ip is None


def test_it_keeps_no_user_for_an_anonymous_caller(world):
    entry = access_record(user=AnonymousUser(), action="view", obj=world.persons["a1_student"],
                          fields=("phone", "doc_number"))
    assert entry.user is None
    assert entry.fields == "phone,doc_number"


def test_it_cuts_an_overlong_reason(world):
    entry = access_record(user=world.users["province"], action="view",
                          obj=world.persons["a1_student"], fields="doc_number", reason="x" * 500)
    assert len(AccessLog.objects.get(pk=entry.pk).reason) == 200


def _views(user) -> list[tuple[str, str, str, str]]:
    return list(AccessLog.objects.filter(user=user).order_by("pk").values_list(
        "action", "object_type", "object_id", "fields"))


@pytest.mark.parametrize(("who", "path", "expected"), [
    ("teacher_a1", "/people/{a1}/", ("view_health", "people.person", "{a1}", "status")),
    ("teacher_a1", "/declarations/person/{a1}/",
     ("view_travel", "people.person", "{a1}", "trips,exposures")),
    ("teacher_a1", "/api/v1/persons/{a1}/status",
     ("view_health", "people.person", "{a1}", "status")),
    ("teacher_a1", "/api/v1/persons/{a1}/status/history",
     ("view_health", "people.person", "{a1}", "status_history")),
    ("teacher_a1", "/api/v1/persons/{a1}/trips", ("view_travel", "people.person", "{a1}", "trips")),
    ("teacher_a1", "/health/class/", ("view_health", "orgs.schoolclass", "{c1}", "checkins")),
    ("teacher_a1", "/api/v1/health/classes/{c1}/roll",
     ("view_health", "orgs.schoolclass", "{c1}", "checkins")),
])
def test_it_records_each_look_at_health_and_travel_data(world, client, who, path, expected):
    ids = {"a1": world.persons["a1_student"].pk, "c1": world.classes["a_c1"].pk}
    client.force_login(world.users[who])
    assert client.get(path.format(**ids)).status_code == 200
    assert _views(world.users[who]) == [tuple(part.format(**ids) for part in expected)]


def test_it_records_a_page_that_refreshes_itself_once_per_ten_minutes(world, client, clock):
    from datetime import timedelta

    klass = world.classes["a_c1"]
    client.force_login(world.users["teacher_a1"])
    for _ in range(3):  # htmx asks for the roll every 30 s
        client.get(f"/health/class/{klass.pk}/roll/")
    assert len(_views(world.users["teacher_a1"])) == 1
    clock.shift(timedelta(minutes=11))
    client.get(f"/health/class/{klass.pk}/roll/")
    assert len(_views(world.users["teacher_a1"])) == 2


def test_it_records_no_look_that_was_refused(world, client):
    client.force_login(world.users["teacher_a2"])
    person = world.persons["a1_student"]
    assert client.get(f"/api/v1/persons/{person.pk}/status").status_code == 404
    assert client.get(f"/declarations/person/{person.pk}/").status_code == 404
    assert not AccessLog.objects.exists()
