"""The API shell: auth by token or session, JSON errors, OpenAPI, docs; /me and /tokens."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from apps.access.models import ApiToken
from apps.access.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def token_for(world, username, permissions=None):
    return api_token_create(user=world.users[username], name="test", permissions=permissions)


def signed_in(world, username, **kwargs):
    client = Client(**kwargs)
    client.force_login(world.users[username])
    return client


def test_it_refuses_a_request_without_credentials(world):
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_it_refuses_revoked_expired_and_wrong_tokens(world):
    user = world.users["school_a_admin"]
    revoked, revoked_raw = token_for(world, "school_a_admin")
    api_token_revoke(user=user, token_id=revoked.pk)
    expired, expired_raw = token_for(world, "school_a_admin")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    for raw in (revoked_raw, expired_raw, "sd_00000000_nothing"):
        response = Client().get("/api/v1/me", **bearer(raw))
        assert response.status_code == 401, raw
        assert response.json()["code"] == "unauthorized"


def test_it_answers_me_with_a_token_in_chinese_unescaped(world):
    _token, raw = token_for(world, "school_a_admin")
    response = Client().get("/api/v1/me", **bearer(raw))
    assert response.status_code == 200
    assert "一中防疫办".encode() in response.content
    body = response.json()
    assert body["username"] == "school_a_admin"
    [role] = body["roles"]
    assert (role["role"], role["scope_level"]) == ("school_admin", "school")
    assert role["scope_name"] == "金水区第一中学"
    assert role["scope_id"] == str(world.schools["a"].pk)
    assert "access.manage_roles" in role["permissions"]


def test_it_answers_me_with_a_session(world):
    response = signed_in(world, "teacher_a1").get("/api/v1/me")
    assert response.status_code == 200
    assert {r["role"] for r in response.json()["roles"]} == {"class_teacher", "self"}


def test_it_shows_a_tokens_narrowed_permissions_in_me(world):
    _token, raw = token_for(world, "school_a_admin", ["orgs.view"])
    roles = Client().get("/api/v1/me", **bearer(raw)).json()["roles"]
    assert [r["permissions"] for r in roles] == [["orgs.view"]]


def test_it_keeps_a_token_limited_to_orgs_view_away_from_persons(world):
    session = signed_in(world, "teacher_a1").get("/api/v1/persons")
    assert session.status_code == 200 and session.json()["count"] > 0
    _token, raw = token_for(world, "teacher_a1", ["orgs.view"])
    limited = Client().get("/api/v1/persons", **bearer(raw))
    assert limited.status_code == 200 and limited.json()["count"] == 0
    person = world.persons["a1_student"]
    assert Client().get(f"/api/v1/persons/{person.pk}", **bearer(raw)).status_code == 404
    schools = Client().get("/api/v1/schools", **bearer(raw))
    assert schools.status_code == 200 and schools.json()["count"] == 1


def test_it_answers_404_as_json(world):
    client = signed_in(world, "school_a_admin")
    for response in (client.delete("/api/v1/tokens/999999"), client.get("/api/v1/no/such/thing")):
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": response.json()["message"]}
        assert response.json()["message"]


def test_it_hides_another_users_token_as_404(world):
    token, _raw = token_for(world, "school_b_admin")
    response = signed_in(world, "school_a_admin").delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_it_answers_bad_request_data_with_422_naming_the_field(world):
    response = signed_in(world, "school_a_admin").post(
        "/api/v1/tokens", {"days": "many"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["message"]
    fields = {e["field"]: e for e in body["errors"]}
    assert set(fields) == {"name", "days"}
    assert fields["name"]["reason"] == "missing" and fields["name"]["message"]


def test_it_answers_a_service_validation_failure_with_422(world):
    response = signed_in(world, "gate_a").post(
        "/api/v1/tokens", {"name": "闸机", "permissions": ["people.view"]},
        content_type="application/json")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["reason"]) == ("permissions", "not_held") and error["message"]
    assert not ApiToken.objects.exists()


def test_it_creates_lists_and_revokes_tokens_in_a_session(world):
    client = signed_in(world, "gate_a")
    payload = {"name": "东门闸机", "permissions": ["gate.verdict"], "days": 30}
    created = client.post("/api/v1/tokens", payload, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("sd_") and body["name"] == "东门闸机"
    assert Client().get("/api/v1/me", **bearer(body["token"])).status_code == 200
    listed = client.get("/api/v1/tokens").json()
    assert listed["count"] == 1 and "token" not in listed["items"][0]
    assert client.delete(f"/api/v1/tokens/{body['id']}").json()["revoked_at"]
    assert Client().get("/api/v1/me", **bearer(body["token"])).status_code == 401


def test_it_does_not_let_a_token_mint_tokens(world):
    _token, raw = token_for(world, "school_a_admin")
    response = Client().post("/api/v1/tokens", {"name": "x"}, content_type="application/json",
                             **bearer(raw))
    assert response.status_code == 403
    assert response.json()["code"] == "session_required"


def test_it_checks_csrf_for_a_session_but_not_for_a_token(world):
    client = signed_in(world, "school_a_admin", enforce_csrf_checks=True)
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not ApiToken.objects.exists()
    token, raw = token_for(world, "school_a_admin")
    token_client = Client(enforce_csrf_checks=True)
    # No CSRF failure with a token: the 403 is "tokens are managed from a session".
    response = token_client.delete(f"/api/v1/tokens/{token.pk}", **bearer(raw))
    assert response.json()["code"] == "session_required"
    assert token_client.get("/api/v1/me", **bearer(raw)).status_code == 200


def test_it_names_a_bad_query_parameter(world):
    response = signed_in(world, "school_a_admin").get("/api/v1/tokens?page=0")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["page"]


def test_it_answers_an_anonymous_post_with_401_not_a_csrf_error(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/tokens", {}, content_type="application/json")
    assert response.status_code == 401


def test_it_serves_openapi_with_chinese_unescaped(world):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "哨点".encode() in response.content
    assert b"\\u54e8" not in response.content
    schema = json.loads(response.content)
    assert schema["info"]["version"] == "1"
    assert "/api/v1/me" in schema["paths"] and "/api/v1/tokens" in schema["paths"]
    assert {"BearerToken", "SignedInSession"} <= set(schema["components"]["securitySchemes"])


def test_it_serves_the_docs_page_from_local_static_files_only(world):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(re.search(r"/swagger-ui-bundle\.[0-9a-f]{12}\.js$", u) for u in urls), urls
    assert any(re.search(r"/swagger-ui\.[0-9a-f]{12}\.css$", u) for u in urls), urls
    assert all(u.startswith("/static/") for u in urls), urls
    assert "/api/v1/openapi.json" in html
    for url in urls:  # the source file of each hashed name collectstatic wrote
        assert finders.find(re.sub(r"\.[0-9a-f]{12}\.", ".", url.removeprefix("/static/"))), url
    assert Client().get(next(u for u in urls if u.endswith(".js"))).status_code == 200
