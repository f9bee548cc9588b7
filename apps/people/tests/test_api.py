"""The /api/v1/persons endpoints through the whole stack (auth, scope, JSON errors), with
personas."""

import json

import pytest
from django.test import Client

from apps.access.models import AccessLog
from apps.people.codes import personal_code_verify
from apps.people.models import Person
from apps.people.tests.helpers import BORN, DOC

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


@pytest.fixture
def api(world):
    """call(username, method, path, body=None) -> response, signed in as that persona."""

    def call(username, method, path, body=None):
        client = Client()
        client.force_login(world.users[username])
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        return getattr(client, method)(BASE + path, **kwargs)

    return call


def items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["items"]


def new_student(world, **overrides) -> dict:
    body = {
        "school_id": world.schools["a"].pk,
        "kind": "student",
        "number": "A2024201",
        "name": "李雷",
        "doc_type": "resident_id",
        "doc_number": DOC,
        "klass_id": world.classes["a_c1"].pk,
        "phone": "13912345678",
        "residence_region_code": "410105",
    }
    body.update(overrides)
    return body


def test_it_needs_a_signed_in_user(world):
    assert Client().get(BASE + "/persons").status_code == 401


def test_it_lists_masked_and_paginated(world, api):
    response = api("province", "get", "/persons?page_size=2")
    body = response.json()
    assert body["count"] == 5 and len(body["items"]) == 2
    row = body["items"][0]
    assert set(row) >= {"id", "name", "number", "school_name", "klass_name", "doc_masked"}
    assert "*" in row["doc_masked"] and row["phone_masked"] == "138****8000"
    text = response.content.decode()
    for person in world.persons.values():
        assert person.plain_document not in text
    assert "doc_cipher" not in text and "doc_hash" not in text
    assert "张小明" in api("province", "get", "/persons").content.decode()  # not \u-escaped


def test_it_filters_and_searches(world, api):
    a_c2 = world.classes["a_c2"].pk
    assert [r["name"] for r in items(api("province", "get", f"/persons?klass={a_c2}"))] == [
        "陈小刚"
    ]
    assert [r["name"] for r in items(api("province", "get", "/persons?kind=staff"))] == ["王建国"]
    assert [r["name"] for r in items(api("province", "get", "/persons?q=A20240"))] == [
        "张小明",
        "刘小红",
    ]
    number = world.persons["b1_student"].plain_document
    assert [r["name"] for r in items(api("province", "get", f"/persons?q={number}"))] == ["孙小丽"]
    school_b = world.schools["b"].pk
    assert items(api("school_a_admin", "get", f"/persons?school={school_b}")) == []


def test_it_shows_a_class_teacher_only_their_class(world, api):
    assert {r["name"] for r in items(api("teacher_a2", "get", "/persons"))} == {"陈小刚"}
    assert api("teacher_a2", "get", f"/persons/{world.persons['a1_student'].pk}").status_code == 404
    assert api("teacher_a2", "get", f"/persons/{world.persons['a2_student'].pk}").status_code == 200


def test_it_shows_a_guardian_only_their_child(world, api):
    child, other = world.persons["a1_student"], world.persons["a1_student2"]
    assert [r["name"] for r in items(api("guardian_a1", "get", "/persons"))] == ["张小明"]
    detail = api("guardian_a1", "get", f"/persons/{child.pk}").json()
    assert detail["name"] == "张小明" and detail["doc_masked"] == child.doc_masked
    for path in (
        f"/persons/{other.pk}",
        f"/persons/{other.pk}/household",
        f"/persons/{other.pk}/code",
    ):
        response = api("guardian_a1", "get", path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    household = api("guardian_a1", "get", f"/persons/{child.pk}/household").json()
    assert [m["name"] for m in household] == ["张奶奶"]


def test_it_hides_another_county(world, api):
    a1 = world.persons["a1_student"].pk
    assert items(api("zhongyuan_bureau", "get", "/persons")) == []
    for method, path in (
        ("get", f"/persons/{a1}"),
        ("get", f"/persons/{a1}/household"),
        ("get", f"/persons/{a1}/guardians"),
        ("get", f"/persons/{a1}/code"),
    ):
        assert api("zhongyuan_bureau", method, path).status_code == 404, path
    assert api("zhongyuan_bureau", "patch", f"/persons/{a1}", {"name": "X"}).status_code == 404
    assert api("jinshui_bureau", "get", f"/persons/{a1}").status_code == 200


def test_it_refuses_the_reveal_to_a_class_teacher(world, api):
    a1 = world.persons["a1_student"]
    response = api("teacher_a1", "post", f"/persons/{a1.pk}/reveal-document", {"reason": "核对"})
    assert response.status_code == 404
    assert a1.plain_document not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_it_reveals_to_a_school_admin_and_logs_it(world, api):
    a1 = world.persons["a1_student"]
    response = api(
        "school_a_admin", "post", f"/persons/{a1.pk}/reveal-document", {"reason": "核对学籍"}
    )
    assert response.status_code == 200
    assert response.json() == {"doc_type": "resident_id", "doc_number": a1.plain_document}
    entry = AccessLog.objects.get()
    assert (entry.user, entry.object_id, entry.reason, entry.ip) == (
        world.users["school_a_admin"],
        str(a1.pk),
        "核对学籍",
        "127.0.0.1",
    )


def test_it_asks_for_a_reason_to_reveal(world, api):
    a1 = world.persons["a1_student"]
    response = api("school_a_admin", "post", f"/persons/{a1.pk}/reveal-document", {"reason": " "})
    assert response.status_code == 422
    assert [(e["field"], e["reason"]) for e in response.json()["errors"]] == [
        ("reason", "required")
    ]
    assert not AccessLog.objects.exists()


def test_it_creates_a_person(world, api):
    response = api("teacher_a1", "post", "/persons", new_student(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["birth_date"] == BORN.isoformat() and body["sex"] == "M"
    assert body["unit_id"] == world.units["a_grade"].pk
    assert body["doc_masked"] == DOC[:4] + "*" * 10 + DOC[-4:]
    assert DOC not in response.content.decode()


def test_it_answers_bad_input_with_422_and_every_field(world, api):
    bad = new_student(
        world,
        doc_number=DOC[:-1] + ("0" if DOC[-1] != "0" else "1"),
        number="A2024001",
        residence_region_code="000000",
    )
    response = api("school_a_admin", "post", "/persons", bad)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert {(e["field"], e["reason"]) for e in body["errors"]} == {
        ("doc_number", "bad_checksum"),
        ("number", "duplicate"),
        ("residence_region_code", "unknown_region"),
    }
    assert all(e["message"] for e in body["errors"])
    assert not Person.objects.filter(name="李雷").exists()


@pytest.mark.parametrize("field", ["klass_id", "unit_id", "dorm_room_id"])
def test_it_answers_another_schools_class_exactly_like_one_that_does_not_exist(world, api,
                                                                               field):
    from apps.orgs.models import DormRoom, SchoolClass, Unit

    model = {"klass_id": SchoolClass, "unit_id": Unit, "dorm_room_id": DormRoom}[field]
    foreign = model.objects.filter(school=world.schools["b"]).first()
    if foreign is None:  # the test province has no dorm room in school b: make one
        foreign = DormRoom.objects.create(school=world.schools["b"], building="B", room="101")
    missing = model.objects.order_by("-pk").first().pk + 1000
    person = world.persons["a1_student"]
    answers = []
    for value in (foreign.pk, missing):
        created = api("school_a_admin", "post", "/persons", new_student(world, **{field: value}))
        moved = api("school_a_admin", "patch", f"/persons/{person.pk}", {field: value})
        answers.append([(r.status_code, r.json()) for r in (created, moved)])
    assert answers[0] == answers[1]
    assert answers[0][1][0] == 422 and answers[0][1][1]["errors"][0]["reason"] == "not_found"
    person.refresh_from_db()
    assert person.klass == world.classes["a_c1"]


def test_it_names_unknown_ids(world, api):
    response = api("school_a_admin", "post", "/persons", new_student(world, klass_id=10**9))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "klass_id"
    assert (
        api("school_a_admin", "post", "/persons", new_student(world, school_id=10**9)).status_code
        == 422
    )


def test_it_answers_a_school_out_of_scope_on_create_like_no_school(world, api):
    # A 404 here and a 422 for a school that does not exist told which ids are schools.
    response = api("school_b_admin", "post", "/persons", new_student(world))
    assert response.status_code == 422
    assert response.json()["errors"] == api(
        "school_b_admin", "post", "/persons", new_student(world, school_id=10**9)).json()["errors"]
    assert response.json()["errors"][0]["field"] == "school_id"
    assert not Person.objects.filter(name="李雷").exists()


def test_it_patches_a_person(world, api):
    a1 = world.persons["a1_student"]
    response = api("teacher_a1", "patch", f"/persons/{a1.pk}", {"phone": "139 0000 1111"})
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "13900001111"
    response = api("teacher_a1", "patch", f"/persons/{a1.pk}", {"sex": "F", "phone": "1"})
    assert response.status_code == 422
    assert {e["reason"] for e in response.json()["errors"]} == {"sex_mismatch", "bad_phone"}
    assert (
        api("teacher_a2", "patch", f"/persons/{a1.pk}", {"phone": "13900002222"}).status_code == 404
    )
    response = api(
        "teacher_a1",
        "patch",
        f"/persons/{a1.pk}",
        {"active": None, "name": None, "residence_region_code": None},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["active"], response.json()["name"]) == (True, "张小明")
    assert response.json()["residence_region_code"] is None


def test_it_gives_a_code_to_self_guardian_and_school_admin(world, api):
    a1 = world.persons["a1_student"]
    for username in ("student_a1", "guardian_a1", "school_a_admin", "teacher_a1"):
        response = api(username, "get", f"/persons/{a1.pk}/code")
        assert response.status_code == 200, username
        body = response.json()
        assert personal_code_verify(body["code"]) == (a1.school_id, a1.pk)
        assert body["svg"].startswith("<svg")
    for username in ("teacher_a2", "unit_lead_a", "gate_a", "jinshui_bureau"):
        assert api(username, "get", f"/persons/{a1.pk}/code").status_code == 404, username


def test_it_lists_guardians(world, api):
    a1 = world.persons["a1_student"].pk
    guardians = api("teacher_a1", "get", f"/persons/{a1}/guardians").json()
    assert [(g["display_name"], g["relation"]) for g in guardians] == [("张爸爸", "父亲")]


def test_it_caps_the_count_of_a_long_list(world, api, settings):
    settings.LIST_COUNT_CAP = 3
    body = api("province", "get", "/persons?page_size=2").json()
    assert body["count"] == 3 and body["count_capped"] is True and len(body["items"]) == 2
    settings.LIST_COUNT_CAP = 10
    body = api("province", "get", "/persons?page_size=2").json()
    assert body["count"] == 5 and body["count_capped"] is False


CALLERS = [  # (persona, task-force member of school a?, sees the full phone)
    ("teacher_a1", False, True),  # the class teacher of the person's class
    ("reporter_a", False, True),  # the school's outbreak reporter
    ("guardian_a1", False, True),  # their own child
    ("school_a_admin", True, True),  # on the school's task force
    ("school_a_admin", False, False),
    ("jinshui_bureau", False, False),
    ("province", False, False),
]


@pytest.mark.parametrize(("who", "task_force", "full"), CALLERS)
def test_it_shows_the_full_phone_only_to_those_who_must_call(world, api, client, who,
                                                               task_force, full):
    from apps.emergency.models import TaskForceMember

    person = world.persons["a1_student"]
    if task_force:
        TaskForceMember.objects.create(school=world.schools["a"], user=world.users[who],
                                       name="王校长", duty="组长", lead=True)
    answer = api(who, "get", f"/persons/{person.pk}")
    assert answer.status_code == 200
    assert answer.json()["phone"] == ("13800138000" if full else "138****8000")
    client.force_login(world.users[who])
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert ("tel:13800138000" in page) is full and ("13800138000" in page) is full


def test_a_staff_members_class_taught_is_set_shown_and_cleared(world, api):
    staff = world.persons["a_staff"]
    url = f"/persons/{staff.pk}"
    changed = api("school_a_admin", "patch", url, {"teaches_class_id": world.classes["a_c2"].pk})
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["teaches_class_id"] == world.classes["a_c2"].pk
    assert body["teaches_class_name"] == "七年级2班" and body["klass_id"] is None
    other = api("school_a_admin", "patch", url, {"teaches_class_id": world.classes["b_c1"].pk})
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "teaches_class_id"
    cleared = api("school_a_admin", "patch", url, {"teaches_class_id": None})
    assert cleared.status_code == 200 and cleared.json()["teaches_class_id"] is None
