"""/api/v1/health through the whole stack, with personas."""

import json

import pytest
from django.test import Client

from apps.health.models import CheckIn
from apps.health.tests.test_selectors import put

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    def call(username, method, path, body=None, **headers):
        client = Client()
        client.force_login(world.users[username])
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        return getattr(client, method)("/api/v1/health" + path, **kwargs, headers=headers)

    return call


def body(world, person="a1_student", **extra):
    return {"person_id": world.persons[person].pk, "slot": "morning", "temperature": "36.7",
            "symptoms": [], "household_symptoms": False, "household_travel": False,
            "client_id": "app-1", **extra}


def test_it_creates_once_and_answers_a_retry_with_the_same_row(world, api):
    first = api("guardian_a1", "post", "/checkins", body(world), **{"X-Device-Id": "p1"})
    assert first.status_code == 201 and first.json()["outcome"] == "created"
    again = api("guardian_a1", "post", "/checkins", body(world))
    assert again.status_code == 200 and again.json()["outcome"] == "replayed"
    assert again.json()["id"] == first.json()["id"] and CheckIn.objects.count() == 1
    fixed = api("guardian_a1", "post", "/checkins", body(world, temperature=38.1,
                                                         client_id="app-2"))
    assert fixed.status_code == 200 and fixed.json()["outcome"] == "corrected"
    assert fixed.json()["fever"] and fixed.json()["abnormal"]


def test_it_names_the_field_and_reason_of_a_bad_check_in(world, api):
    response = api("guardian_a1", "post", "/checkins",
                   body(world, temperature="3.65", symptoms=["cough", "itch"],
                        household_travel=None))
    assert response.status_code in (400, 422)
    errors = {(e["field"], e["reason"]) for e in response.json()["errors"]}
    assert errors == {("temperature", "decimal_point_misplaced"),
                      ("symptoms.1", "unknown_symptom"), ("household_travel", "required")}
    assert not CheckIn.objects.exists()


def test_it_answers_404_for_a_person_out_of_scope(world, api):
    response = api("guardian_a1", "post", "/checkins", body(world, person="a2_student"))
    assert response.status_code == 404
    response = api("luoyang_bureau", "post", "/checkins", body(world))
    assert response.status_code == 404


def test_it_gives_the_class_teacher_the_roll_and_nobody_else(world, api):
    put(world, "a1_student", hour=9)
    klass = world.classes["a_c1"].pk
    roll = api("teacher_a1", "get", f"/classes/{klass}/roll?slot=morning").json()
    assert [p["name"] for p in roll["done"]] == ["张小明"]
    assert [p["name"] for p in roll["late"]] == ["张小明"]
    assert [p["name"] for p in roll["missing"]] == ["刘小红"] and roll["expected"] == 2
    assert api("teacher_a2", "get", f"/classes/{klass}/roll").status_code == 404
    assert api("guardian_a1", "get", f"/classes/{klass}/roll").status_code == 404


def test_it_lists_todays_abnormal_check_ins_in_scope(world, api):
    put(world, "a1_student", temperature="38.8")
    put(world, "b1_student", temperature="38.8")
    rows = api("jinshui_bureau", "get", "/checkins/abnormal").json()["items"]
    assert [r["person_id"] for r in rows] == [world.persons["a1_student"].pk]
    assert api("zhongyuan_bureau", "get", "/checkins/abnormal").json()["items"] == []


def test_it_documents_the_endpoints_in_openapi(world, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/health/checkins" in schema["paths"]
    assert "/api/v1/health/classes/{class_id}/roll" in schema["paths"]
    assert "CheckInIn" in schema["components"]["schemas"]


def test_it_answers_a_check_in_exactly_as_its_documented_schema_renders_it(world, api):
    """The endpoint builds its answer by hand (apps.health.api.checkin_body): it must be
    what CheckInOut would have given, field for field."""
    from ninja.responses import NinjaJSONEncoder

    from apps.health.api import CheckInOut

    response = api("guardian_a1", "post", "/checkins",
                   body(world, temperature="38.2", symptoms=["cough"], region="410105"))
    assert response.status_code == 201
    row = CheckIn.objects.get(pk=response.json()["id"])
    row.outcome = "created"
    documented = json.loads(json.dumps(CheckInOut.from_orm(row).dict(), cls=NinjaJSONEncoder))
    assert response.json() == documented
    assert documented["region"] == "410105" and documented["temperature"] == "38.2"


def test_it_records_a_guardians_bearer_check_in_in_two_queries(world, django_assert_num_queries):
    """A new token's first request (the 7 a.m. case): the token with its user and grants in
    one statement, the row in another; the child is read from the grants, the policy from
    the process's cache. A third query here is a round trip for every guardian."""
    from django.utils import timezone

    from apps.access.services import api_token_create
    from apps.health.rules import rules_for_school

    guardian, child = world.users["guardian_a1"], world.persons["a1_student"]
    token, raw = api_token_create(user=guardian, name="app", permissions=None)
    token.last_used_at = timezone.now()  # touched a moment ago: no last-used write is due
    token.save(update_fields=["last_used_at"])
    rules_for_school(child.school_id)  # kept per process
    with django_assert_num_queries(2):
        answer = Client().post("/api/v1/health/checkins", json.dumps(body(world)),
                               content_type="application/json",
                               headers={"Authorization": f"Bearer {raw}", "X-Device-Id": "p1"})
    assert answer.status_code == 201, answer.content
    assert answer.json()["submitted_as"] == "guardian"
    row = CheckIn.objects.get(client_id="app-1")
    assert (row.person_id, row.school_id, row.submitted_by_id) == (
        child.pk, child.school_id, guardian.pk)
    assert row.device != ""  # the device's keyed hash
