"""The transfer endpoints and pages: request, both sides' lists, accept (twice: no change),
errors naming the field, another county's bureau answered as if nothing were there."""

import pytest
from django.test import Client

from apps.people.models import Person
from apps.transfers.models import Transfer

pytestmark = pytest.mark.django_db


def client_for(world, username) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def _post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_it_requests_lists_and_accepts_through_the_api(world):
    sender, receiver = client_for(world, "school_a_admin"), client_for(world, "school_b_admin")
    child = world.persons["a1_student"]
    answer = _post(sender, "/api/v1/transfers", {"person_id": child.pk,
                                                 "to_school_id": world.schools["b"].pk,
                                                 "reason": "随父母工作调动"})
    assert answer.status_code == 201, answer.content
    transfer = answer.json()
    assert (transfer["state"], transfer["from_class_name"], transfer["to_school_name"]) == (
        "requested", "七年级1班", "涧西区实验中学")
    for client in (sender, receiver, client_for(world, "luoyang_bureau")):
        listed = client.get("/api/v1/transfers?state=requested").json()["items"]
        assert [t["id"] for t in listed] == [transfer["id"]]
    assert client_for(world, "zhongyuan_bureau").get("/api/v1/transfers").json()["items"] == []
    path = f"/api/v1/transfers/{transfer['id']}"
    assert client_for(world, "zhongyuan_bureau").get(path).status_code == 404
    body = {"to_class_id": world.classes["b_c2"].pk}
    accepted = _post(receiver, f"{path}/accept", body)
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["state"], accepted.json()["to_class_name"]) == ("accepted", "七年级2班")
    assert _post(receiver, f"{path}/accept", body).json() == accepted.json()
    assert Person.objects.get(pk=child.pk).klass == world.classes["b_c2"]


def test_it_names_the_field_and_reason_of_bad_input(world):
    sender, receiver = client_for(world, "school_a_admin"), client_for(world, "school_b_admin")
    child = world.persons["a1_student"]
    same = _post(sender, "/api/v1/transfers", {"person_id": child.pk,
                                               "to_school_id": world.schools["a"].pk})
    assert same.status_code == 422
    assert [(e["field"], e["reason"]) for e in same.json()["errors"]] == [
        ("to_school_id", "same_school")]
    other = _post(sender, "/api/v1/transfers", {"person_id": world.persons["b1_student"].pk,
                                                "to_school_id": world.schools["b"].pk})
    assert [(e["field"], e["reason"]) for e in other.json()["errors"]] == [
        ("person_id", "not_found")]
    transfer = _post(sender, "/api/v1/transfers", {"person_id": child.pk,
                                                   "to_school_id": world.schools["b"].pk}).json()
    wrong = _post(receiver, f"/api/v1/transfers/{transfer['id']}/accept",
                  {"to_class_id": world.classes["a_c2"].pk})
    assert wrong.status_code == 422
    assert [(e["field"], e["reason"]) for e in wrong.json()["errors"]] == [
        ("to_class_id", "not_found")]
    refused = _post(receiver, f"/api/v1/transfers/{transfer['id']}/refuse", {"reason": "学位已满"})
    assert (refused.json()["state"], refused.json()["decision_reason"]) == ("refused", "学位已满")
    assert _post(sender, f"/api/v1/transfers/{transfer['id']}/cancel").status_code == 422


def test_the_pages_request_and_accept_into_a_class(world):
    sender, receiver = client_for(world, "school_a_admin"), client_for(world, "school_b_admin")
    page = sender.post("/transfers/", {"number": "A2024001", "to_school_code": "4103050001",
                                       "reason": ""})
    transfer = Transfer.objects.get()
    assert page.status_code == 302 and page.url == f"/transfers/{transfer.pk}/"
    bad = sender.post("/transfers/", {"number": "B2024001", "to_school_code": "4103050001"})
    assert bad.status_code == 400
    assert bad.context["form"].errors["number"]
    detail = receiver.get(f"/transfers/{transfer.pk}/")
    assert detail.context["receiving"] and not detail.context["sending"]
    assert "张小明" in detail.content.decode()
    accepted = receiver.post(f"/transfers/{transfer.pk}/accept/",
                             {"to_class": world.classes["b_c1"].pk, "number": ""})
    assert accepted.status_code == 302
    assert Person.objects.get(pk=world.persons["a1_student"].pk).klass == world.classes["b_c1"]
    assert sender.post(f"/transfers/{transfer.pk}/accept/",
                       {"to_class": world.classes["b_c1"].pk}).status_code == 400
    assert client_for(world, "teacher_b1").get("/transfers/").status_code == 404
    english = client_for(world, "school_a_admin")
    english.cookies["django_language"] = "en"
    assert "Transfers" in english.get("/transfers/").content.decode()
