"""GET /persons/{id}/status, /persons/{id}/status/history and /status/counts."""

import pytest
from django.test import Client

from apps.status.services import status_recompute_persons
from apps.status.tests.conftest import SHANGHAI_PUDONG, trip

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


@pytest.fixture
def get(henan):
    def call(username, path):
        client = Client()
        client.force_login(henan.users[username])
        return client.get(BASE + path)

    return call


@pytest.fixture
def a1(henan):
    person = henan.persons["a1_student"]
    trip(person, SHANGHAI_PUDONG, back_days_ago=3)
    status_recompute_persons(school_id=person.school_id, person_ids=[person.pk], reason="test")
    return person


def test_it_gives_a_guardian_the_status_with_reasons_and_actions(get, a1):
    response = get("guardian_a1", f"/persons/{a1.pk}/status")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["category"] == "key_population" and body["until"]
    assert any("上海" in r["zh"] and r["en"] for r in body["reasons"])
    assert {"kind", "due", "done", "overdue", "label"} <= set(body["actions"][0])


def test_it_answers_404_out_of_scope(get, a1):
    for persona in ("teacher_a2", "gate_a", "school_b_admin"):
        response = get(persona, f"/persons/{a1.pk}/status")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert get("teacher_a2", f"/persons/{a1.pk}/status/history").status_code == 404


def test_it_pages_the_history(get, a1):
    body = get("teacher_a1", f"/persons/{a1.pk}/status/history").json()
    assert body["count"] == 1
    assert body["items"][0]["category"] == "key_population"
    assert body["items"][0]["cause"] == "test"


def test_it_counts_by_category(get, a1):
    body = get("jinshui_bureau", "/status/counts").json()
    assert body["key_population"] == 1 and body["normal"] == 3
    assert get("luoyang_bureau", "/status/counts").json()["key_population"] == 0
