"""The supplies endpoints: the catalogue, a school's cover, its ledger, a movement recorded
once per client_id, the list below cover; another school's admin, another county's bureau,
a class teacher and a guardian answered as if nothing were there."""

import pytest

from shaodian.testing.outputs import client_for

pytestmark = pytest.mark.django_db
BASE = "/api/v1/supplies"


def _post(client, path, body):
    return client.post(f"{BASE}{path}", body, content_type="application/json")


def test_it_lists_the_catalogue(world):
    items = client_for(world, "school_a_admin").get(f"{BASE}/items").json()
    assert [i["key"] for i in items][:3] == ["masks", "protective_suits", "gloves"]


def test_a_school_records_and_reads_its_cover(counted):
    client, school = client_for(counted, "school_a_admin"), counted.schools["a"].pk
    body = {"item": "masks", "kind": "counted", "quantity": 10, "client_id": "c1"}
    made = _post(client, f"/schools/{school}/movements", body)
    assert made.status_code == 201, made.content
    again = _post(client, f"/schools/{school}/movements", body)
    assert again.json()["id"] == made.json()["id"]
    cover = {r["item"]: r for r in client.get(f"{BASE}/schools/{school}/cover").json()}
    assert cover["masks"]["stock"] == 10 and cover["masks"]["below"]
    assert cover["masks"]["min_days"] == 7 and cover["masks"]["reorder"] > 0
    ledger = client.get(f"{BASE}/schools/{school}/movements").json()
    assert ledger["count"] == 1 and ledger["items"][0]["client_id"] == "c1"


def test_a_bad_movement_is_a_422_naming_the_field(world):
    client, school = client_for(world, "school_a_admin"), world.schools["a"].pk
    answer = _post(client, f"/schools/{school}/movements",
                   {"item": "gold", "kind": "used", "quantity": 1})
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["item"]


def test_the_bureau_lists_its_schools_below_cover(counted):
    answer = client_for(counted, "jinshui_bureau").get(f"{BASE}/below").json()
    assert [s["school_id"] for s in answer["items"]] == [counted.schools["a"].pk]
    assert answer["items"][0]["items"][0]["below"]


@pytest.mark.parametrize("who", ["school_b_admin", "luoyang_bureau", "teacher_a1",
                                 "guardian_a1"])
def test_outside_the_scope_a_school_is_not_there(world, who):
    client, school = client_for(world, who), world.schools["a"].pk
    for path in (f"/schools/{school}/cover", f"/schools/{school}/movements"):
        assert client.get(f"{BASE}{path}").status_code == 404
    made = _post(client, f"/schools/{school}/movements",
                 {"item": "masks", "kind": "received", "quantity": 1})
    assert made.status_code == 404
