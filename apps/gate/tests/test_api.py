"""POST /gate/verdicts, GET /gate/snapshot, POST /gate/checks/batch, overrides: as a
terminal with its token, and as personas."""

import hashlib
import json

import pytest
from django.test import Client
from django.utils import timezone

from apps.gate.models import GateCheck
from apps.gate.services import gate_create, terminal_register
from apps.gate.tests.conftest import checkin, client_id
from apps.people.codes import personal_code_issue

pytestmark = pytest.mark.django_db
BASE = "/api/v1/gate"


@pytest.fixture
def terminal(world):
    admin, school = world.users["school_a_admin"], world.schools["a"]
    gate = gate_create(actor=admin, school_id=school.pk, name="东门")
    found, raw = terminal_register(actor=admin, school_id=school.pk, gate_id=gate.pk,
                                   name="东门1号机")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.terminal = found
    return client


def _post(client, path, body):
    return client.post(BASE + path, data=json.dumps(body), content_type="application/json")


def _as(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


def test_it_gives_a_terminal_a_verdict_with_name_and_class_but_no_id_number(world, terminal):
    person = world.persons["a1_student"]
    checkin(person)
    response = _post(terminal, "/verdicts", {"code_or_number": personal_code_issue(person=person),
                                            "temperature": 36.4, "client_id": client_id()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["verdict"] == "pass" and body["person"]["name"] == "张小明"
    assert body["reasons"][0]["zh"] and body["reasons"][0]["en"]
    assert person.plain_document not in response.content.decode()
    check = GateCheck.objects.get(pk=body["check_id"])
    assert check.gate == terminal.terminal.gate and check.officer == terminal.terminal.user


def test_it_answers_422_naming_the_field(terminal):
    response = _post(terminal, "/verdicts", {"code_or_number": "A2024001", "temperature": "365",
                                            "client_id": client_id()})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "temperature"


def test_it_answers_404_for_another_schools_person(world, terminal):
    code = personal_code_issue(person=world.persons["b1_student"])
    response = _post(terminal, "/verdicts", {"code_or_number": code, "temperature": 36.5,
                                            "client_id": client_id()})
    assert response.status_code == 404
    assert not GateCheck.objects.exists()


def test_it_refuses_the_verdict_endpoint_to_a_class_teacher(world):
    response = _post(_as(world, "teacher_a1"), "/verdicts", {
        "code_or_number": "A2024001", "temperature": 36.5, "client_id": client_id()})
    assert response.status_code == 404
    assert not GateCheck.objects.exists()


def test_it_stops_a_revoked_terminal_token_after_the_cache(world, terminal):
    from apps.access.models import ApiToken
    from apps.access.tokens import forget_tokens

    ApiToken.objects.filter(user=terminal.terminal.user).update(revoked_at=timezone.now())
    forget_tokens()
    response = _post(terminal, "/verdicts", {"code_or_number": "A2024001", "temperature": 36.5,
                                            "client_id": client_id()})
    assert response.status_code == 401


def test_it_pages_a_snapshot_without_names_or_documents(world, terminal):
    person = world.persons["a1_student"]
    checkin(person, abnormal=True)
    first = terminal.get(BASE + "/snapshot?limit=2")
    assert first.status_code == 200, first.content
    page = first.json()
    assert len(page["items"]) == 2 and page["next_after"] == page["items"][-1]["id"]
    rest = terminal.get(BASE + f"/snapshot?after={page['next_after']}").json()
    items = {i["id"]: i for i in page["items"] + rest["items"]}
    assert set(items) == {p.pk for k, p in world.persons.items() if p.school_id == person.school_id}
    mine = items[person.pk]
    code = personal_code_issue(person=person)
    assert mine["code_hash"] == hashlib.sha256(code.encode()).hexdigest()[:32]
    assert mine["in"] == ["stop", ["checkin_abnormal"]] and mine["out"][0] == "refer"
    text = first.content.decode() + json.dumps(rest, ensure_ascii=False)
    assert "张小明" not in text and person.plain_document not in text
    assert page["fever_threshold"] == 37.3 and "fever" in page["reasons"]


def test_it_refuses_a_snapshot_of_another_school(world, terminal):
    assert terminal.get(BASE + f"/snapshot?school_id={world.schools['b'].pk}").status_code == 404


def test_it_takes_a_batch_and_reports_each_record(world, terminal):
    a1 = world.persons["a1_student"]
    now = timezone.now().isoformat()
    records = [
        {"client_id": "off-1", "person_id": a1.pk, "at": now, "temperature": 36.5,
         "direction": "in", "verdict": "pass", "reasons": ["ok"]},
        {"client_id": "off-2", "person_id": a1.pk, "at": now, "temperature": 36.5,
         "direction": "in", "verdict": "maybe", "reasons": []},
    ]
    response = _post(terminal, "/checks/batch", {"records": records})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["rejected"]) == (1, 1)
    assert body["results"] == ["created", "error"]
    assert body["errors"] == [{"index": 1, "field": "verdict", "reason": "invalid",
                               "message": body["errors"][0]["message"]}]
    again = _post(terminal, "/checks/batch", {"records": records[:1]}).json()
    assert again["duplicates"] == 1 and again["results"] == ["duplicate"]
    assert GateCheck.objects.get(client_id="off-1").gate == terminal.terminal.gate


def test_it_refuses_a_batch_that_is_not_json(terminal):
    response = terminal.post(BASE + "/checks/batch", data=b"{", content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body"


def test_it_overrides_through_the_api_for_the_school_only(world, terminal):
    stopped = _post(terminal, "/verdicts", {"code_or_number": "A2024001", "temperature": 39,
                                           "client_id": client_id()}).json()
    other = _post(_as(world, "school_b_admin"), f"/checks/{stopped['check_id']}/override",
                  {"reason": "let in"})
    assert other.status_code == 404
    done = _post(_as(world, "school_a_admin"), f"/checks/{stopped['check_id']}/override",
                 {"reason": "复测正常"})
    assert done.status_code == 200 and done.json()["override_reason"] == "复测正常"


def test_it_registers_a_terminal_from_a_signed_in_session_only(world):
    admin = _as(world, "school_a_admin")
    school = world.schools["a"].pk
    gate = _post(admin, "/gates", {"school_id": school, "name": "北门"}).json()
    made = _post(admin, "/terminals", {"school_id": school, "gate_id": gate["id"],
                                       "name": "北门1号机"})
    assert made.status_code == 200 and made.json()["token"].startswith("sd_")
    scanner = Client(HTTP_AUTHORIZATION=f"Bearer {made.json()['token']}")
    assert _post(scanner, "/gates", {"school_id": school, "name": "南门"}).status_code == 401
    assert _post(_as(world, "school_b_admin"), "/gates",
                 {"school_id": school, "name": "南门"}).status_code == 404


# The verdict endpoint is a plain view in front of its ninja route (shaodian.api.direct_post):
# what a client sees must be what ninja would have answered.

def test_it_answers_a_scan_without_credentials_with_the_api_401(world):
    response = Client().post(BASE + "/verdicts", data="{}", content_type="application/json")
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_it_names_a_missing_field_as_ninja_would(terminal):
    response = _post(terminal, "/verdicts", {"code_or_number": "A2024001"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert [e["field"] for e in response.json()["errors"]] == ["client_id"]


def test_it_refuses_a_body_that_is_not_json(terminal):
    response = terminal.post(BASE + "/verdicts", data="{code", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"] == "Cannot parse request body"


def test_it_refuses_other_methods_on_the_verdict_endpoint(terminal):
    response = terminal.get(BASE + "/verdicts")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"


def test_it_checks_csrf_for_a_signed_in_kiosk(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["gate_a"])
    body = {"code_or_number": "A2024001", "client_id": client_id()}
    refused = client.post(BASE + "/verdicts", data=json.dumps(body),
                          content_type="application/json")
    assert refused.status_code == 403
    client.get("/gate/kiosk/")  # sets the CSRF cookie, as the kiosk page does
    token = client.cookies["csrftoken"].value
    allowed = client.post(BASE + "/verdicts", data=json.dumps(body),
                          content_type="application/json", headers={"X-CSRFToken": token})
    assert allowed.status_code == 200 and allowed.json()["verdict"] in ("pass", "stop", "refer")


def test_it_still_documents_the_verdict_endpoint(world):
    schema = Client().get("/api/v1/openapi.json").json()
    # Only POST: the plain view in front would answer any other method with a 405.
    assert set(schema["paths"]["/api/v1/gate/verdicts"]) == {"post"}
    assert set(schema["paths"]["/api/v1/health/checkins"]) == {"post"}
