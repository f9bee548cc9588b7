"""The binding endpoints: a sign-up without signing in, the class teacher's queue, and a
guardian's household, phones masked throughout."""

import pytest
from django.test import Client

from apps.families.models import BindingRequest
from apps.people.models import Guardianship

pytestmark = pytest.mark.django_db


def client_for(world, username) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def test_it_issues_signs_up_and_confirms_through_the_api(world):
    teacher = client_for(world, "teacher_a1")
    answer = teacher.post("/api/v1/families/codes", {"klass_id": world.classes["a_c1"].pk},
                          content_type="application/json")
    assert answer.status_code == 201
    code = next(c["code"] for c in answer.json() if c["person_name"] == "刘小红")
    body = {"code": code, "phone": "13912340001", "name": "刘妈妈", "relation": "母亲",
            "password": "Liu-2026-pass", "consent": True}
    answer = Client().post("/api/v1/families/signup", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    binding = answer.json()
    assert (binding["state"], binding["guardian_phone_masked"]) == ("pending", "139****0001")
    again = Client().post("/api/v1/families/signup", {**body, "phone": "13912340002"},
                          content_type="application/json")
    assert again.status_code == 422
    assert again.json()["errors"] == [{"field": "code", "reason": "used", "message": (
        again.json()["errors"][0]["message"])}]
    listed = teacher.get("/api/v1/families/bindings").json()["items"]
    assert [b["id"] for b in listed] == [binding["id"]]
    assert client_for(world, "teacher_a2").get("/api/v1/families/bindings").json()["items"] == []
    outside = client_for(world, "teacher_a2").post(
        f"/api/v1/families/bindings/{binding['id']}/confirm")
    assert outside.status_code == 404
    answer = teacher.post(f"/api/v1/families/bindings/{binding['id']}/confirm")
    assert answer.json()["state"] == "confirmed"
    assert Guardianship.objects.filter(user__username="13912340001").count() == 1


def test_it_lets_a_guardian_keep_the_household_through_the_api(world):
    guardian = client_for(world, "guardian_a1")
    child = world.persons["a1_student"]
    answer = guardian.post(f"/api/v1/families/persons/{child.pk}/household",
                           {"name": "张爷爷", "relation": "祖父", "phone": "13912349999"},
                           content_type="application/json")
    assert answer.status_code == 201
    member = answer.json()
    assert member["phone_masked"] == "139****9999" and "phone" not in member
    answer = guardian.patch(f"/api/v1/families/household/{member['id']}",
                            {"occupation": "退休"}, content_type="application/json")
    assert answer.json()["occupation"] == "退休"
    other = world.persons["a2_student"]
    answer = guardian.post(f"/api/v1/families/persons/{other.pk}/household",
                           {"name": "某人", "relation": "祖父"}, content_type="application/json")
    assert answer.status_code == 404
    assert guardian.delete(f"/api/v1/families/household/{member['id']}").status_code == 204
    mine = guardian.get("/api/v1/families/bindings/mine").json()
    assert mine == [] and not BindingRequest.objects.exists()
