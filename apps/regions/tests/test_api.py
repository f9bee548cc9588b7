"""The regions router: list with filters and pages, detail, children."""

import pytest
from ninja.testing import TestClient

from apps.regions.api import router

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return TestClient(router)


def test_it_lists_a_parents_children_in_pages(regions, client):
    body = client.get("?parent=410100&page_size=5").json()
    assert body["count"] == 12
    assert [r["code"] for r in body["items"]] == ["410102", "410103", "410104", "410105", "410106"]
    assert client.get("?parent=410100&page=3&page_size=5").json()["items"][-1]["code"] == "410185"


def test_it_filters_by_name_and_level(regions, client):
    body = client.get("?q=市中区&level=county&page_size=100").json()
    assert body["count"] >= 4
    assert {r["name"] for r in body["items"]} == {"市中区"}
    assert "山东省济南市市中区" in {r["full_name"] for r in body["items"]}
    provinces = client.get("?level=province&page_size=100").json()
    assert provinces["count"] == 34
    assert client.get("?level=city").status_code == 422


def test_it_shows_an_abolished_region_with_its_successor(regions, client):
    body = client.get("/371202").json()
    assert body == {
        "code": "371202", "name": "莱城区", "full_name": "山东省莱芜市莱城区", "level": "county",
        "kind": "市辖区", "parent_code": "371200", "valid_from": None, "valid_to": "2019-01-09",
        "successor_code": "370116", "note": body["note"]}
    assert "370116" in body["note"]


def test_it_lists_children_and_404s_unknown_codes(regions, client):
    children = client.get("/500000/children").json()
    codes = [r["code"] for r in children]
    assert "500105" in codes and "500112" in codes and "500157" not in codes
    assert client.get("/500157").status_code == 404
    assert client.get("/500157/children").status_code == 404
