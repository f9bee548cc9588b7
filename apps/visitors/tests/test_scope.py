"""Who sees a visit: its host, the school (admins, gate), the school's bureaus; not another
teacher, another county's bureau, another school or a guardian (404 on the page and API)."""

import pytest

from apps.visitors import selectors
from apps.visitors.tests.conftest import register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("persona", "sees"), [
    ("teacher_a1", True),  # the host
    ("school_a_admin", True),
    ("gate_a", True),
    ("jinshui_bureau", True),
    ("province", True),
    ("teacher_a2", False),  # another class teacher of the school
    ("zhongyuan_bureau", False),  # another county's bureau
    ("school_b_admin", False),
    ("guardian_a1", False),
    ("student_a1", False),
])
def test_a_visit_is_seen_in_scope_only(world, client, persona, sees):
    visit = register(world)
    client.force_login(world.users[persona])
    page = client.get(f"/visitors/{visit.pk}/")
    api = client.get(f"/api/v1/visitors/{visit.pk}")
    assert (page.status_code, api.status_code) == ((200, 200) if sees else (404, 404))
    if sees:
        assert visit.doc_masked in page.content.decode()
        assert "11010519491231002X" not in page.content.decode()
        assert "11010519491231002X" not in api.content.decode()


def test_the_list_masks_and_the_api_registers_idempotently(world, client):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(world.users["teacher_a1"])
    start = timezone.now() + timedelta(days=1)
    body = {"name": "访客乙", "phone": "13800138001", "doc_number": "11010519491231002X",
            "purpose": "送教材", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(), "client_id": "api-1"}
    first = client.post("/api/v1/visitors", body, content_type="application/json")
    again = client.post("/api/v1/visitors", body, content_type="application/json")
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert first.json()["approval_state"] == "pending"
    assert "/visitors/d/" in first.json()["declare_url"]
    listed = client.get("/api/v1/visitors").json()
    assert [v["doc_masked"] for v in listed["items"]] == [first.json()["doc_masked"]]
    assert selectors.visits_hosted(user=world.users["teacher_a1"]).count() == 1


def test_the_phone_declaration_needs_no_login(world, client):
    from apps.visitors.services import declare_token

    visit = register(world)
    answer = client.post(f"/api/v1/visitors/declarations/{declare_token(visit)}",
                         {"temperature": "36.6", "symptoms": False},
                         content_type="application/json")
    assert answer.status_code == 200 and answer.json()["code"] == ""
    bad = client.post("/api/v1/visitors/declarations/forged", {"temperature": "36.6"},
                      content_type="application/json")
    assert bad.status_code == 404
    error = client.post(f"/api/v1/visitors/declarations/{declare_token(visit)}",
                        {"temperature": "50"}, content_type="application/json")
    assert error.status_code == 422 and "temperature" in error.content.decode()
