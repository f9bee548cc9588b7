"""The set-up endpoints with personas: each write answered with the row as it now reads, bad
input a 422 naming each field, out of scope a 404 like a row that does not exist."""

import json

import pytest
from django.test import Client

from apps.orgs.models import HospitalContact, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    """/api/v1 through the whole stack (its error handlers too), signed in as a persona."""

    def call(persona, method, path, body=None):
        client = Client()
        client.force_login(world.users[persona])
        kwargs = {} if body is None else {"data": json.dumps(body),
                                          "content_type": "application/json"}
        return getattr(client, method)("/api/v1" + path, **kwargs)

    return call


def fields(response) -> dict:
    assert response.status_code == 422, response.content
    return {e["field"]: e["reason"] for e in response.json()["errors"]}


def test_it_registers_a_school_and_answers_bad_input_by_field(world, api):
    body = {"name": "金水区第二中学", "code": "4101050002", "kind": "senior", "boarding": "day",
            "region_code": "410105", "bureau_id": world.bureaus["jinshui"].pk}
    created = api("jinshui_bureau", "post", "/schools", body)
    assert created.status_code == 201 and created.json()["active"] is True
    assert fields(api("jinshui_bureau", "post", "/schools", {**body, "region_code": "410305"})) == {
        "code": "duplicate", "name": "duplicate", "region_code": "outside_bureau"}
    assert api("zhongyuan_bureau", "post", "/schools", body).status_code == 404
    assert api("school_a_admin", "post", "/schools", body).status_code == 404


def test_it_closes_reopens_and_pairs_a_school(world, api):
    school = world.schools["b"].pk
    closed = api("luoyang_bureau", "post", f"/schools/{school}/close", {"reason": "合并"})
    assert closed.json()["active"] is False
    assert fields(api("luoyang_bureau", "post", f"/schools/{school}/close",
                      {"reason": "再次"})) == {"school": "already_closed"}
    assert api("luoyang_bureau", "post", f"/schools/{school}/reopen",
               {"reason": "恢复"}).json()["active"] is True
    assert api("jinshui_bureau", "post", f"/schools/{school}/close",
               {"reason": "x"}).status_code == 404
    ready = api("province", "get", "/readiness/hospitals").json()["items"]
    assert [s["id"] for s in ready] == [school]
    paired = api("province", "put", f"/schools/{school}/hospital",
                 {"hospital_id": world.hospital.pk})
    assert paired.json()["hospital_id"] == world.hospital.pk
    assert api("province", "get", "/readiness/hospitals").json()["items"] == []
    assert fields(api("luoyang_bureau", "put", f"/schools/{school}/hospital",
                      {"hospital_id": world.hospital.pk})) == {"hospital": "unknown_hospital"}


def test_it_adds_units_classes_and_rooms_for_a_school_admin(world, api):
    school = world.schools["a"].pk
    unit = api("school_a_admin", "post", f"/schools/{school}/units",
               {"name": "八年级", "kind": "grade"})
    assert unit.status_code == 201
    klass = api("school_a_admin", "post", f"/schools/{school}/classes",
                {"name": "八年级1班", "unit_id": unit.json()["id"], "school_year": 2026})
    assert klass.status_code == 201 and klass.json()["school_year"] == 2026
    assert fields(api("school_a_admin", "post", f"/schools/{school}/classes",
                      {"name": "八年级1班", "unit_id": world.units["b_grade"].pk})) == {
        "name": "duplicate", "unit": "wrong_school"}
    moved = api("school_a_admin", "patch", f"/classes/{klass.json()['id']}",
                {"unit_id": world.units["a_grade"].pk})
    assert moved.json()["unit_name"] == "七年级"
    room = api("school_a_admin", "post", f"/schools/{school}/dorm-rooms",
               {"building": "1号楼", "room": "101", "beds": 4})
    assert room.status_code == 201
    listed = api("teacher_a1", "get", f"/schools/{school}/dorm-rooms").json()["items"]
    assert [(r["building"], r["beds"]) for r in listed] == [("1号楼", 4)]
    assert api("school_b_admin", "put", f"/dorm-rooms/{room.json()['id']}",
               {"building": "1号楼", "room": "101", "beds": 4}).status_code == 404


def test_it_registers_a_hospital_with_its_liaison(world, api):
    created = api("jinshui_bureau", "post", "/hospitals",
                  {"name": "金水区中医院", "region_code": "410105", "phone": "0371-65550000"})
    assert created.status_code == 201
    hospital = created.json()["id"]
    assert fields(api("jinshui_bureau", "post", f"/hospitals/{hospital}/contacts",
                      {"name": "", "role": "联络员", "phone": "1"})) == {
        "name": "required", "phone": "bad_phone"}
    contact = api("jinshui_bureau", "post", f"/hospitals/{hospital}/contacts",
                  {"name": "王医生", "role": "联络员", "phone": "13912345678"}).json()
    detail = api("jinshui_bureau", "get", f"/hospitals/{hospital}").json()
    assert [c["name"] for c in detail["contacts"]] == ["王医生"] and detail["school_count"] == 0
    assert api("luoyang_bureau", "delete",
               f"/hospital-contacts/{contact['id']}").status_code == 404
    assert api("jinshui_bureau", "delete",
               f"/hospital-contacts/{contact['id']}").status_code == 204
    assert not HospitalContact.objects.exists()
    assert api("hospital_a", "get", f"/hospitals/{world.hospital.pk}").status_code == 200
    assert api("hospital_a", "get", f"/hospitals/{hospital}").status_code == 404
    assert School.objects.filter(hospital_id=hospital).count() == 0
