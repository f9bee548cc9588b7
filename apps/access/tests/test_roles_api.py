"""The roles endpoints with personas: who holds what per scope, grants answered with the
holder, bad input a 422 naming each field, out of scope a 404 like nothing there."""

import json

import pytest
from django.test import Client

from apps.access.models import RoleAssignment, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    def call(persona, method, path, body=None):
        client = Client()
        client.force_login(world.users[persona])
        kwargs = {} if body is None else {"data": json.dumps(body),
                                          "content_type": "application/json"}
        return getattr(client, method)("/api/v1" + path, **kwargs)

    return call


@pytest.fixture
def newcomer(db):
    return User.objects.create_user(username="newcomer", password="x-very-long-pass")


def fields(response) -> dict:
    assert response.status_code == 422, response.content
    return {e["field"]: e["reason"] for e in response.json()["errors"]}


def test_it_lists_who_holds_what_in_a_school(world, api):
    answer = api("school_a_admin", "get", f"/schools/{world.schools['a'].pk}/roles")
    assert answer.status_code == 200
    held = {(i["role"], i["username"]) for i in answer.json()["items"]}
    assert {("gate_officer", "gate_a"), ("unit_lead", "unit_lead_a"),
            ("class_teacher", "teacher_a1"), ("school_admin", "school_a_admin")} <= held
    assert not any(u.startswith(("teacher_b", "school_b")) for _r, u in held)
    school = world.schools["a"].pk
    assert api("school_b_admin", "get", f"/schools/{school}/roles").status_code == 404
    assert api("teacher_a1", "get", f"/schools/{school}/roles").status_code == 404


def test_it_lists_a_bureaus_area(world, api):
    answer = api("jinshui_bureau", "get", f"/bureaus/{world.bureaus['jinshui'].pk}/roles")
    held = {(i["role"], i["username"]) for i in answer.json()["items"]}
    assert held == {("bureau_admin", "jinshui_bureau"), ("school_admin", "school_a_admin"),
                    ("hospital_liaison", "hospital_a")}
    province = api("province", "get", f"/bureaus/{world.bureaus['province'].pk}/roles"
                   "?role=school_admin").json()
    assert {i["username"] for i in province["items"]} == {"school_a_admin", "school_b_admin"}
    assert api("zhongyuan_bureau", "get",
               f"/bureaus/{world.bureaus['jinshui'].pk}/roles").status_code == 404


def test_it_grants_ends_and_revokes_through_the_api(world, api, newcomer):
    school = world.schools["a"].pk
    granted = api("jinshui_bureau", "post", f"/schools/{school}/roles",
                  {"user_id": newcomer.pk, "role": "school_admin"})
    assert granted.status_code == 201, granted.content
    holder = granted.json()
    assert holder["role"] == "school_admin" and holder["current"] is True
    ended = api("jinshui_bureau", "patch", f"/roles/{holder['assignment_id']}",
                {"ends_on": "2099-01-01"})
    assert ended.status_code == 200 and ended.json()["ends_on"] == "2099-01-01"
    assert fields(api("jinshui_bureau", "patch", f"/roles/{holder['assignment_id']}",
                      {"ends_on": "2000-01-01"})) == {"ends_on": "past"}
    assert api("school_b_admin", "delete", f"/roles/{holder['assignment_id']}").status_code == 404
    assert api("jinshui_bureau", "delete", f"/roles/{holder['assignment_id']}").status_code == 204
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


def test_it_answers_bad_grants_field_by_field(world, api, newcomer):
    school = world.schools["a"].pk
    assert fields(api("school_a_admin", "post", f"/schools/{school}/roles",
                      {"user_id": newcomer.pk, "role": "school_admin"})) == {"role": "above_own"}
    assert fields(api("school_a_admin", "post", f"/schools/{school}/roles",
                      {"user_id": newcomer.pk, "role": "unit_lead",
                       "unit_id": world.units["b_grade"].pk})) == {"unit": "not_found"}
    assert fields(api("school_a_admin", "post", f"/schools/{school}/roles",
                      {"user_id": world.users["teacher_b1"].pk, "role": "sampler"})) == {
        "user": "not_found"}
    assert fields(api("province", "post", f"/bureaus/{world.bureaus['jinshui'].pk}/roles",
                      {"user_id": newcomer.pk, "role": "province_admin"})) == {"role": "wrong_node"}
    assert api("zhongyuan_bureau", "post", f"/schools/{school}/roles",
               {"user_id": newcomer.pk, "role": "school_admin"}).status_code == 404
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


def test_it_appoints_a_class_teacher_and_a_hospital_liaison(world, api, newcomer):
    klass = world.classes["a_c2"]
    assert api("school_a_admin", "delete", f"/classes/{klass.pk}/teacher").status_code == 204
    granted = api("school_a_admin", "post", f"/schools/{world.schools['a'].pk}/roles",
                  {"user_id": newcomer.pk, "role": "class_teacher", "class_id": klass.pk})
    assert granted.status_code == 201 and granted.json()["class_id"] == klass.pk
    liaison = api("jinshui_bureau", "post", f"/hospitals/{world.hospital.pk}/roles",
                  {"user_id": world.users["unit_lead_a"].pk})
    assert liaison.status_code == 201 and liaison.json()["role"] == "hospital_liaison"
    assert api("luoyang_bureau", "post", f"/hospitals/{world.hospital.pk}/roles",
               {"user_id": newcomer.pk}).status_code == 404
