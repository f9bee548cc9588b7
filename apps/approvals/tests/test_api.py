"""The approval endpoints: ask (idempotent by client_id), list one's own and the inbox,
decide, withdraw; errors naming the field; another school's admin, another county's bureau
and a guardian answered by their scope."""

import pytest

from apps.approvals.tests.conftest import MEETING, day
from shaodian.testing.outputs import client_for

pytestmark = pytest.mark.django_db
BASE = "/api/v1/approvals"


def _post(client, path, body=None):
    return client.post(f"{BASE}{path}", body or {}, content_type="application/json")


def _meeting(**changes):
    return {"kind": "meeting", "starts_on": day(3).isoformat(), "ends_on": day(3).isoformat(),
            "client_id": "m-1", **MEETING, **changes}


def test_a_teacher_asks_and_the_school_admin_decides_through_the_api(henan):
    teacher, admin = client_for(henan, "teacher_a1"), client_for(henan, "school_a_admin")
    made = _post(teacher, "", _meeting())
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["state"], body["approver"], body["person_name"]) == (
        "pending", "school", "王建国")
    assert _post(teacher, "", _meeting()).json()["id"] == body["id"]  # the same client_id
    inbox = admin.get(f"{BASE}?to_decide=true").json()["items"]
    assert [r["id"] for r in inbox] == [body["id"]]
    assert client_for(henan, "jinshui_bureau").get(f"{BASE}?to_decide=true").json()[
        "items"] == []
    decided = _post(admin, f"/{body['id']}/decide", {"approve": True, "reason": "同意"})
    assert decided.json()["state"] == "approved"
    again = _post(admin, f"/{body['id']}/decide", {"approve": True})
    assert again.status_code == 200 and again.json()["decision_reason"] == "同意"
    mine = teacher.get(BASE).json()["items"]
    assert [(r["id"], r["state"]) for r in mine] == [(body["id"], "approved")]


def test_it_names_the_field_and_reason_of_a_refusal(henan):
    teacher = client_for(henan, "teacher_a1")
    over = _post(teacher, "", _meeting(participants=51))
    assert over.status_code == 422
    assert [(e["field"], e["reason"]) for e in over.json()["errors"]] == [
        ("participants", "over_limit")]
    trip = _post(teacher, "", _meeting(kind="trip", destination="郑州市", client_id="t"))
    assert [(e["field"], e["reason"]) for e in trip.json()["errors"]] == [
        ("destination", "same_province")]
    made = _post(teacher, "", _meeting()).json()
    refuse = _post(client_for(henan, "school_a_admin"), f"/{made['id']}/decide",
                   {"approve": False})
    assert [(e["field"], e["reason"]) for e in refuse.json()["errors"]] == [
        ("reason", "required")]


@pytest.mark.parametrize(("username", "sees"), [
    ("teacher_a1", True), ("school_a_admin", True), ("jinshui_bureau", True),
    ("province", True), ("school_b_admin", False), ("zhongyuan_bureau", False),
    ("teacher_a2", False), ("guardian_a1", False), ("student_a1", False),
])
def test_each_persona_sees_the_request_in_its_scope_only(henan, username, sees):
    made = _post(client_for(henan, "teacher_a1"), "", _meeting()).json()
    client = client_for(henan, username)
    assert client.get(f"{BASE}/{made['id']}").status_code == (200 if sees else 404)
    assert [r["id"] for r in client.get(BASE).json()["items"]] == (
        [made["id"]] if sees else [])
    decide = _post(client, f"/{made['id']}/decide", {"approve": True})
    assert decide.status_code == (200 if username == "school_a_admin" else
                                  422 if sees else 404)


def test_a_guardian_sees_the_childs_leave_and_the_class_teacher_decides(henan):
    from apps.emergency.models import ModeState

    ModeState.objects.create(school=henan.schools["a"], scope="school", mode="closed_loop")
    made = _post(client_for(henan, "student_a1"), "", {
        "kind": "leave", "title": "就医", "starts_on": day(1).isoformat(),
        "ends_on": day(1).isoformat()}).json()
    assert made["approver"] == "class_teacher"
    assert client_for(henan, "guardian_a1").get(f"{BASE}/{made['id']}").status_code == 200
    assert _post(client_for(henan, "teacher_a2"), f"/{made['id']}/decide",
                 {"approve": True}).status_code == 404
    assert _post(client_for(henan, "school_a_admin"), f"/{made['id']}/decide",
                 {"approve": True}).status_code == 422  # not the level it waits for
    assert _post(client_for(henan, "teacher_a1"), f"/{made['id']}/decide",
                 {"approve": True}).json()["state"] == "approved"
    withdrawn = _post(client_for(henan, "student_a1"), f"/{made['id']}/withdraw")
    assert withdrawn.json()["state"] == "withdrawn"
