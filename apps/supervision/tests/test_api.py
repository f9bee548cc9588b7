"""The supervision endpoints: plan, record, complete, assign, answer, verify, the overview;
errors naming the field; another county's bureau and a class teacher answered as if nothing
were there."""

import pytest
from django.utils import timezone

from apps.supervision.tests.conftest import performed
from shaodian.testing.outputs import client_for

pytestmark = pytest.mark.django_db
BASE = "/api/v1/supervision"


def _post(client, path, body=None):
    return client.post(f"{BASE}{path}", body or {}, content_type="application/json")


def test_it_lists_the_checklists(world):
    answer = client_for(world, "school_a_admin").get(f"{BASE}/checklists").json()
    assert answer[0]["key"] == "directive-2022" and len(answer[0]["items"]) == 12


def test_an_inspector_inspects_and_the_school_rectifies_through_the_api(world):
    bureau, school = client_for(world, "jinshui_bureau"), client_for(world, "school_a_admin")
    made = _post(bureau, "/inspections", {"school_id": world.schools["a"].pk,
                                          "planned_on": timezone.localdate().isoformat()})
    assert made.status_code == 201, made.content
    inspection = made.json()
    assert inspection["school_name"] == "金水区第一中学" and len(inspection["items"]) == 12
    path = f"/inspections/{inspection['id']}"
    for item in inspection["items"]:
        body = ({"result": "fail", "note": "未通风"} if item["code"] == "ventilation"
                else {"result": "na" if item["code"] == "closed_loop" else "pass"})
        assert _post(bureau, f"{path}/items/{item['code']}", body).status_code == 200
    assert _post(bureau, f"{path}/complete").json()["state"] == "done"
    rects = school.get(f"{BASE}/rectifications").json()["items"]
    assert [(r["item_code"], r["finding"], r["state"]) for r in rects] == [
        ("ventilation", "未通风", "open")]
    rect = f"/rectifications/{rects[0]['id']}"
    teacher = world.users["teacher_a1"]
    assigned = _post(school, f"{rect}/assign", {"assignee_id": teacher.pk})
    assert assigned.json()["assignee_id"] == teacher.pk
    answered = _post(client_for(world, "teacher_a1"), f"{rect}/answer", {"answer": "已通风"})
    assert answered.json()["state"] == "answered", answered.content
    assert _post(bureau, f"{rect}/verify").json()["state"] == "verified"
    overview = bureau.get(f"{BASE}/overview").json()
    assert (overview["inspected"], overview["open"], overview["verified"]) == (1, 0, 1)
    assert overview["failed_by_item"] == {"ventilation": 1}


def test_it_names_the_field_of_a_refusal(world):
    bureau = client_for(world, "jinshui_bureau")
    answer = _post(bureau, "/inspections", {"school_id": world.schools["a"].pk,
                                            "planned_on": "2000-01-01"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "planned_on"
    inspection = _post(bureau, "/inspections", {
        "school_id": world.schools["a"].pk,
        "planned_on": timezone.localdate().isoformat()}).json()
    failed = _post(bureau, f"/inspections/{inspection['id']}/items/plan", {"result": "fail"})
    assert (failed.status_code, failed.json()["errors"][0]["field"]) == (422, "note")


@pytest.mark.parametrize("username", ["zhongyuan_bureau", "teacher_a2", "school_b_admin"])
def test_others_are_answered_as_if_nothing_were_there(world, username):
    inspection = performed(world)
    rect = inspection.rectifications.first()
    client = client_for(world, username)
    assert client.get(f"{BASE}/inspections").json()["items"] == []
    assert client.get(f"{BASE}/rectifications").json()["items"] == []
    assert client.get(f"{BASE}/inspections/{inspection.pk}").status_code == 404
    assert client.get(f"{BASE}/rectifications/{rect.pk}").status_code == 404
    assert _post(client, f"/rectifications/{rect.pk}/answer", {"answer": "x"}).status_code == 404
    overview = client.get(f"{BASE}/overview").json()
    assert (overview["inspections"], overview["open"], overview["failed_by_item"]) == (0, 0, {})
