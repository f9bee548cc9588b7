"""No text input of the API may hold NUL (U+0000): PostgreSQL cannot store it, so it was a
500 there (found by the fuzz test, tests/fuzz/). It is a 422 naming the field, on every
endpoint, the two served without ninja's request handling too."""

import pytest

from apps.access.services import api_token_create


@pytest.fixture
def province_client(world, client):
    _token, raw = api_token_create(user=world.users["province"], name="nul", permissions=None)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    client.raise_request_exception = False
    return client


def _refused(response, field):
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == [
        {"field": field, "reason": "nul_character", "message": response.json()["errors"][0][
            "message"]}]


def test_it_refuses_nul_in_a_query_parameter(province_client):
    _refused(province_client.get("/api/v1/exports/people.xlsx", {"q": "张\x00"}), "q")
    _refused(province_client.get("/api/v1/persons", {"q": "\x00"}), "q")


def test_it_refuses_nul_in_a_path_parameter(province_client):
    _refused(province_client.get("/api/v1/regions/41%0001"), "code")


def test_it_refuses_nul_in_a_json_body_naming_the_nested_field(world, province_client):
    person = world.persons["a1_student"]
    response = province_client.post(
        f"/api/v1/persons/{person.id}/exposures",
        {"kind": "close_contact", "exposed_on": "2022-03-01", "place": "x\x00"},
        content_type="application/json")
    _refused(response, "place")
    response = province_client.post("/api/v1/emergency/case-reports",
                                    {"cases": 1, "school_id": 1, "extra": [{"a": "\x00"}]},
                                    content_type="application/json")
    _refused(response, "extra.0.a")


def test_it_refuses_nul_on_the_direct_endpoints(province_client):
    response = province_client.post("/api/v1/gate/verdicts", {"code_or_number": "A\x00"},
                                    content_type="application/json")
    _refused(response, "code_or_number")


def test_it_passes_an_escaped_backslash_u0000_that_is_no_nul(world, province_client):
    response = province_client.get("/api/v1/persons", {"q": "\\u0000"})
    assert response.status_code == 200
