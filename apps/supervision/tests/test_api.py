"""The supervision endpoints: plan, record, complete, assign, answer, verify, the overview;
errors naming the field; another county's bureau and a class teacher answered as if nothing
were there."""

import pytest
from django.utils import timezone

from apps.supervision.models import Photo, Rectification
from apps.supervision.tests.conftest import performed, photo, planned, png_bytes
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


def _multipart(client, path, data):
    return client.post(f"{BASE}{path}", data)  # the test client sends multipart form data


def test_photos_go_with_a_record_and_an_answer_and_come_back_by_id(world):
    bureau = client_for(world, "jinshui_bureau")
    inspection = planned(world)
    path = f"/inspections/{inspection.pk}/items/ventilation/with-photos"
    item = _multipart(bureau, path, {"result": "fail", "note": "未通风",
                                     "photos": [photo("a.png"), photo("b.png")]})
    assert item.status_code == 200, item.content
    ids = item.json()["photo_ids"]
    assert len(ids) == 2
    got = bureau.get(f"{BASE}/photos/{ids[0]}")
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content) == png_bytes()
    assert got["X-Content-Type-Options"] == "nosniff"
    detail = bureau.get(f"{BASE}/inspections/{inspection.pk}").json()
    assert next(i for i in detail["items"] if i["code"] == "ventilation")["photo_ids"] == ids
    rect = performed(world).rectifications.first()
    school = client_for(world, "school_a_admin")
    answered = _multipart(school, f"/rectifications/{rect.pk}/answer/with-photos",
                          {"answer": "已整改", "photos": [photo("c.png")]})
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert (body["state"], body["photos"], len(body["photo_ids"])) == ("answered", 1, 1)
    assert school.get(f"{BASE}/photos/{body['photo_ids'][0]}").status_code == 200


@pytest.mark.parametrize(("data", "reason"), [
    (b"GIF89a" + b"\0" * 40, "bad_type"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 2048, "too_large"),
])
def test_a_photo_is_checked_by_its_content_and_size_as_on_the_pages(world, settings, data,
                                                                    reason):
    settings.SUPERVISION_PHOTO_MAX_BYTES = 1024
    inspection = planned(world)
    answer = _multipart(client_for(world, "jinshui_bureau"),
                        f"/inspections/{inspection.pk}/items/ventilation/with-photos",
                        {"result": "pass", "photos": [photo("x.png", data)]})
    assert answer.status_code == 422
    assert (answer.json()["errors"][0]["field"], answer.json()["errors"][0]["reason"]) == (
        "photos", reason)
    assert not Photo.objects.exists()


@pytest.mark.parametrize("username", ["zhongyuan_bureau", "teacher_a2", "school_b_admin",
                                      "guardian_a1"])
def test_others_neither_fetch_nor_send_photos(world, username):
    inspection = performed(world)
    rect = inspection.rectifications.first()
    client = client_for(world, username)
    for one in Photo.objects.all():
        assert client.get(f"{BASE}/photos/{one.pk}").status_code == 404
    answer = _multipart(client, f"/rectifications/{rect.pk}/answer/with-photos",
                        {"answer": "x", "photos": [photo()]})
    assert answer.status_code == 404
    assert Photo.objects.count() == 2


def test_the_person_named_fetches_the_findings_photos_a_teacher_unnamed_does_not(world):
    rect = performed(world).rectifications.first()
    named = world.users["teacher_a1"]
    Rectification.objects.filter(pk=rect.pk).update(assignee=named)
    item_photo = Photo.objects.filter(item_id=rect.item_id).first()
    assert client_for(world, "teacher_a1").get(
        f"{BASE}/photos/{item_photo.pk}").status_code == 200
    assert client_for(world, "teacher_a2").get(
        f"{BASE}/photos/{item_photo.pk}").status_code == 404
