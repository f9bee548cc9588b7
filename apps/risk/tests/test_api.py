"""/api/v1/risk-areas through the whole stack, with personas."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from apps.risk.models import RiskArea

pytestmark = pytest.mark.django_db
BASE = "/api/v1/risk-areas"
TODAY = timezone.localdate()
START = TODAY - timedelta(days=3)


@pytest.fixture
def api(world):
    def call(username, method, path="", body=None, **kwargs):
        client = Client()
        client.force_login(world.users[username])
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(BASE + path, **kwargs)

    return call


AREA = {"region": "郑州市金水区", "level": "高", "start": START.isoformat(), "source": "通告"}


def test_it_designates_lists_and_lifts(api):
    made = api("jinshui_bureau", "post", body=AREA)
    assert made.status_code == 201, made.content
    area = made.json()
    assert (area["region_code"], area["level"], area["region_name"]) == (
        "410105", "high", "河南省郑州市金水区")
    listed = api("gate_a", "get", "?in_force_on=" + TODAY.isoformat()).json()
    assert [a["id"] for a in listed["items"]] == [area["id"]]
    lifted = api("province", "post", f"/{area['id']}/lift",
                 body={"lifted_on": TODAY.isoformat(), "reason": "解除"})
    assert lifted.status_code == 200 and lifted.json()["end"] == TODAY.isoformat()
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert api("gate_a", "get", "?in_force_on=" + tomorrow).json()["items"] == []


def test_it_answers_bad_input_with_every_field(api):
    body = {**AREA, "region": "999999", "level": "x", "end": "2000-01-01", "source": ""}
    response = api("province", "post", body=body)
    assert response.status_code == 422
    assert {(e["field"], e["reason"]) for e in response.json()["errors"]} == {
        ("region", "unknown_region"), ("level", "unknown_level"), ("end", "before_start"),
        ("source", "required")}
    assert not RiskArea.objects.exists()


def test_it_keeps_bureaus_to_their_region(api):
    response = api("zhongyuan_bureau", "post", body=AREA)
    assert response.status_code == 422
    assert response.json()["errors"][0]["reason"] == "out_of_scope"
    area = api("province", "post", body=AREA).json()
    lift = {"lifted_on": TODAY.isoformat(), "reason": "r"}
    assert api("zhongyuan_bureau", "post", f"/{area['id']}/lift", body=lift).status_code == 404
    assert api("school_a_admin", "post", body=AREA).status_code == 404
    assert api("student_a1", "get").json()["items"] == []


def test_it_patches_and_clears_the_end(api):
    area = api("province", "post", body={**AREA, "end": TODAY.isoformat()}).json()
    changed = api("jinshui_bureau", "patch", f"/{area['id']}", body={"level": "medium",
                                                                      "end": None})
    assert changed.status_code == 200
    assert (changed.json()["level"], changed.json()["end"]) == ("medium", None)


def test_it_imports_a_csv_all_or_nothing_and_on_a_dry_run(world):
    client = Client()
    client.force_login(world.users["province"])
    text = f"地区,风险等级,起始日期,来源\n410105,高,{START},通告\n火星,高,{START},通告\n"

    def post(**form):
        upload = SimpleUploadedFile("areas.csv", text.encode("gbk"), content_type="text/csv")
        return client.post(BASE + "/import", {"file": upload, **form})

    refused = post()
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"row": 3, "column": "地区", "value": "火星",
                                         "reason": "unknown_region",
                                         "message": refused.json()["errors"][0]["message"]}]
    assert post(dry_run="true").json()["valid"] == 1 and not RiskArea.objects.exists()
    applied = post(apply_valid_only="true")
    assert applied.status_code == 200 and applied.json()["created"] == 1
    assert RiskArea.objects.get().region_id == "410105"


def test_it_refuses_a_file_that_is_not_text(world):
    # Found by the fuzz test (tests/fuzz/): a PNG was a UnicodeDecodeError, a 500.
    client = Client()
    client.force_login(world.users["province"])
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x82"
    response = client.post(BASE + "/import", {"file": SimpleUploadedFile("areas.csv", png)})
    assert response.status_code == 422
    assert [e["reason"] for e in response.json()["errors"]] == ["not_text"]
