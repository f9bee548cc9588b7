"""/api/v1/absence through the whole stack, with personas."""

import json

import pytest
from django.test import Client

from apps.absence.detection import clusters_detect
from apps.absence.models import SickAbsence
from apps.absence.tests.conftest import TODAY, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    def call(username, method, path, body=None):
        client = Client()
        client.force_login(world.users[username])
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        return getattr(client, method)("/api/v1/absence" + path, **kwargs)

    return call


def absence(world, person="a1_student", **extra):
    return {"person_id": world.persons[person].pk, "first_day": TODAY.isoformat(),
            "symptoms": ["fever"], "client_id": "api-1", **extra}


def test_it_registers_once_per_client_id(world, api):
    first = api("guardian_a1", "post", "/absences", absence(world))
    again = api("guardian_a1", "post", "/absences", absence(world))
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["reported_as"] == "guardian" and SickAbsence.objects.count() == 1


def test_it_answers_404_out_of_scope_and_400_naming_the_field(world, api):
    assert api("teacher_a2", "post", "/absences", absence(world)).status_code == 404
    bad = api("teacher_a1", "post", "/absences", absence(world, symptoms=["sneezing"]))
    assert bad.status_code in (400, 422)
    assert {"field": "symptoms", "reason": "bad_choice"}.items() <= bad.json()["errors"][0].items()


def test_it_lists_only_the_absences_in_scope(world, api, register):
    register(person="a1_student")
    register(user="teacher_a2", person="a2_student")
    names = {u: {row["person_id"] for row in api(u, "get", "/absences").json()["items"]}
             for u in ("teacher_a1", "guardian_a1", "reporter_a", "luoyang_bureau")}
    a1, a2 = world.persons["a1_student"].pk, world.persons["a2_student"].pk
    assert names == {"teacher_a1": {a1}, "guardian_a1": {a1}, "reporter_a": {a1, a2},
                     "luoyang_bureau": set()}


def test_it_records_cause_and_return(world, api, register):
    made = register(first_day=days_ago(3))
    cause = api("teacher_a1", "post", f"/absences/{made.pk}/cause",
                {"outcome": "infectious", "diagnosis": "流感", "diseases": ["ili"]})
    assert cause.status_code == 200 and cause.json()["diseases"] == ["ili"]
    back = api("teacher_a1", "post", f"/absences/{made.pk}/return",
               {"returned_on": TODAY.isoformat()})
    assert back.status_code == 200 and back.json()["returned_on"] == TODAY.isoformat()
    assert api("teacher_a2", "post", f"/absences/{made.pk}/return",
               {"returned_on": TODAY.isoformat()}).status_code == 404


def test_it_lists_clusters_with_their_lateness_by_scope(world, api, register, classmates):
    for pk in classmates[:3]:
        register(person_id=pk)
    clusters_detect(school_id=world.schools["a"].pk)
    rows = api("jinshui_bureau", "get", "/clusters").json()["items"]
    assert [(r["rule"], r["case_count"], r["late"]) for r in rows] == [
        ("cluster_report", 3, False)]
    assert api("luoyang_bureau", "get", "/clusters").json()["items"] == []
    assert api("guardian_a1", "get", "/clusters").json()["items"] == []


def test_it_shows_the_designated_hospital_its_paired_school_only(world, api, register):
    register(person="a1_student")
    register(user="school_b_admin", person="b1_student")
    rows = api("hospital_a", "get", "/absences").json()["items"]
    assert [r["person_id"] for r in rows] == [world.persons["a1_student"].pk]
