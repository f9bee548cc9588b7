"""/api/v1/testing/{school_id}/results and /results/file, and /advice, with personas."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.access.services import api_token_create
from apps.followups.models import FollowUp
from apps.rosters.tests.files import csv_bytes
from apps.testing.models import Tube
from apps.testing.tests.helpers_results import a_round, closed_tube

pytestmark = pytest.mark.django_db


@pytest.fixture
def tubes(world):
    r = a_round(world.schools["a"])
    p = world.persons
    closed_tube(r, "T1", [p["a1_student"], p["a1_student2"]])
    closed_tube(r, "T2", [p["a2_student"]])
    closed_tube(a_round(world.schools["b"]), "B1", [p["b1_student"]])


def _client(world, username):
    client = Client()
    client.force_login(world.users[username])
    return client


def _post(world, username, body, school="a"):
    return _client(world, username).post(
        f"/api/v1/testing/{world.schools[school].pk}/results", json.dumps(body),
        content_type="application/json")


def test_a_lab_system_posts_results_with_the_hospitals_token(world, tubes):
    _token, secret = api_token_create(user=world.users["hospital_a"], name="lab",
                                      permissions=["testing.results"])
    response = Client().post(
        f"/api/v1/testing/{world.schools['a'].pk}/results",
        json.dumps({"results": [{"barcode": "T1", "result": "阳性",
                                 "tested_at": "2030-01-01T00:00:00+08:00"},
                                {"barcode": "T2", "result": "阴性"}]}),
        content_type="application/json", headers={"authorization": f"Bearer {secret}"})
    body = response.json()
    # A time in the future is refused with its row, and nothing is written.
    assert response.status_code == 422
    assert body["errors"] == [{"row": 1, "field": "tested_at", "value": "2030-01-01T00:00:00+08:00",
                               "reason": "future", "message": body["errors"][0]["message"]}]
    assert (body["applied"], Tube.objects.get(barcode="T2").result) == (False, "")


def test_it_applies_a_clean_list_and_reports_what_happened(world, tubes):
    response = _post(world, "hospital_a", {"results": [{"barcode": "T1", "result": "+"},
                                                       {"barcode": "T2", "result": "-"}]})
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("applied", "resulted", "positive_tubes", "isolated",
                                 "rechecks_created")} == {
        "applied": True, "resulted": 2, "positive_tubes": 1, "isolated": 2,
        "rechecks_created": 2}
    assert FollowUp.objects.filter(source="tube:T1").count() == 2


def test_good_rows_only_and_a_dry_run(world, tubes):
    body = {"results": [{"barcode": "T2", "result": "阴性"}, {"barcode": "B1", "result": "阴性"}]}
    dry = _post(world, "school_a_admin", {**body, "dry_run": True, "valid_only": True})
    assert (dry.status_code, dry.json()["applied"], dry.json()["resulted"]) == (200, False, 1)
    assert Tube.objects.get(barcode="T2").result == ""
    valid = _post(world, "school_a_admin", {**body, "valid_only": True})
    assert (valid.status_code, valid.json()["resulted"], valid.json()["rejected"]) == (200, 1, 1)
    assert valid.json()["errors"][0]["reason"] == "other_school"


@pytest.mark.parametrize(("username", "school"), [
    ("teacher_a1", "a"), ("school_b_admin", "a"), ("hospital_a", "b"), ("jinshui_bureau", "a")])
def test_a_school_the_user_may_not_import_for_is_404(world, tubes, username, school):
    response = _post(world, username, {"results": [{"barcode": "T1", "result": "阴性"}]}, school)
    assert response.status_code == 404
    assert Tube.objects.get(barcode="T1").result == ""


def test_a_lab_file_is_imported_and_an_unreadable_one_is_a_400(world, tubes):
    client = _client(world, "school_a_admin")
    url = f"/api/v1/testing/{world.schools['a'].pk}/results/file"
    data = csv_bytes([["管码", "结果"], ["T1", "阴性"], ["T2", "阴性"]], encoding="gbk")
    response = client.post(url, {"file": SimpleUploadedFile("结果.csv", data)})
    assert (response.status_code, response.json()["resulted"]) == (200, 2)
    bad = client.post(url, {"file": SimpleUploadedFile("结果.csv", csv_bytes([["管码"], ["T1"]]))})
    assert (bad.status_code, bad.json()["code"]) == (400, "missing_columns")


def test_the_advice_endpoint_recommends_a_pool_size(world):
    response = _client(world, "school_a_admin").get("/api/v1/testing/advice?prevalence=0.01")
    body = response.json()
    assert (response.status_code, body["best_pool_size"], body["pooling_pays"]) == (200, 10, True)
    assert [o["pool_size"] for o in body["options"]] == [1, 5, 10, 20]
    assert _client(world, "school_a_admin").get(
        "/api/v1/testing/advice?prevalence=1.5").status_code == 422
