"""Every integer a client sends is bounded where the database can store it: a value past
64 bits is a 422 naming the field, never a 500. The test walks the OpenAPI document, so a
new endpoint is covered without a test of its own."""

import re

import pytest

from apps.access.services import api_token_create

HUGE = [2**63, 2**64, -(2**63) - 1]


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _is_integer(param_schema) -> bool:
    options = param_schema.get("anyOf", [param_schema])
    return any(option.get("type") == "integer" for option in options)


def _path_with(path, params, name, value):
    """The path with 1 for every path parameter except `name`, which gets `value`."""
    def fill(match):
        return str(value) if match.group(1) == name else "1"
    return re.sub(r"\{(?:int:)?(\w+)\}", fill, path)


@pytest.fixture
def province_client(world, client):
    _token, raw = api_token_create(user=world.users["province"], name="bounds", permissions=None)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    client.raise_request_exception = False  # a server error is an answer here, a 500
    return client


def test_it_answers_no_server_error_to_a_huge_integer_in_any_get_parameter(province_client):
    schema = province_client.get("/api/v1/openapi.json").json()
    failures, probed = [], 0
    for path, method, operation in _operations(schema):
        if method != "get":
            continue
        params = operation.get("parameters", [])
        for param in params:
            if not _is_integer(param["schema"]):
                continue
            for value in HUGE:
                probed += 1
                if param["in"] == "path":
                    url, query = _path_with(path, params, param["name"], value), {}
                else:
                    url, query = _path_with(path, params, None, 0), {param["name"]: value}
                response = province_client.get(url, query)
                if response.status_code >= 500:
                    failures.append(f"GET {url} {query}: {response.status_code}")
                elif response.status_code == 422:
                    fields = [e["field"] for e in response.json()["errors"]]
                    assert param["name"] in fields, (url, query, fields)
    assert probed > 100
    assert not failures, "\n".join(failures)


def test_it_documents_the_bound_of_an_id(province_client):
    schema = province_client.get("/api/v1/openapi.json").json()
    persons = schema["paths"]["/api/v1/persons"]["get"]["parameters"]
    school = next(p for p in persons if p["name"] == "school")["schema"]
    bounded = [o for o in school.get("anyOf", [school]) if o.get("type") == "integer"][0]
    assert bounded["minimum"] == 1
    assert bounded["maximum"] == 2**63 - 1
    page = next(p for p in persons if p["name"] == "page")["schema"]
    assert page["maximum"] < 2**63


def test_it_refuses_a_huge_id_in_a_body_naming_the_field(world, province_client):
    person = world.persons["a1_student"]
    response = province_client.patch(f"/api/v1/persons/{person.id}", {"klass_id": 2**63},
                                      content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["klass_id"]


@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/persons", {"school_id": 2**63, "kind": "student", "name": "x"}, "school_id"),
    ("/api/v1/absence/absences", {"person_id": 2**63}, "person_id"),
    ("/api/v1/health/checkins", {"person_id": 2**63}, "person_id"),
    ("/api/v1/followups/1/reassign", {"assignee_id": 2**63}, "assignee_id"),
    ("/api/v1/tokens", {"name": "x", "days": 2**63}, "days"),
])
def test_it_refuses_a_huge_integer_in_a_post_body(province_client, path, body, field):
    response = province_client.post(path, body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]
