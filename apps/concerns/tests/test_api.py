"""The concern endpoints: raise (twice with one client id: one concern), the errors naming
the field, assign, answer, reopen; and the pages: the phone form, lists late first, the
concern with its history."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.access.models import AccessLog
from apps.concerns.models import Concern

from .conftest import raised, restrict

pytestmark = pytest.mark.django_db


def client_for(world, username) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_it_raises_assigns_answers_and_reopens_through_the_api(world):
    guardian, admin = client_for(world, "guardian_a1"), client_for(world, "school_a_admin")
    person = restrict(world)
    body = {"person_id": person.pk, "category": "medicine", "text": "需要布洛芬",
            "client_id": "phone-1"}
    first = _post(guardian, "/api/v1/concerns", body)
    assert first.status_code == 201, first.content
    again = _post(guardian, "/api/v1/concerns", body)
    assert again.json()["id"] == first.json()["id"] and Concern.objects.count() == 1
    concern = first.json()
    assert (concern["state"], concern["late"], concern["person_name"]) == ("open", False, "张小明")
    path = f"/api/v1/concerns/{concern['id']}"
    assigned = _post(admin, f"{path}/assign", {"assignee_id": world.users["reporter_a"].pk})
    assert assigned.json()["assignee_id"] == world.users["reporter_a"].pk
    reporter = client_for(world, "reporter_a")
    answered = _post(reporter, f"{path}/answer", {"answer": "校医已送药"})
    assert answered.status_code == 200, answered.content
    assert not AccessLog.objects.filter(action="view_health").exists()
    admin.get(path)
    assert AccessLog.objects.filter(user=world.users["school_a_admin"],
                                    action="view_health").count() == 1
    seen = guardian.get(path).json()
    assert (seen["state"], seen["answer"]) == ("answered", "校医已送药")
    reopened = _post(guardian, f"{path}/reopen", {"reason": "药不对"})
    assert reopened.json()["state"] == "open" and reopened.json()["reopened"] == 1


def test_it_answers_422_naming_the_field(world):
    guardian = client_for(world, "guardian_a1")
    person = world.persons["a1_student"]
    refused = _post(guardian, "/api/v1/concerns",
                    {"person_id": person.pk, "category": "food", "text": "x"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "person_id"
    assert refused.json()["errors"][0]["reason"] == "not_restricted"
    outside = _post(guardian, "/api/v1/concerns", {
        "person_id": world.persons["b1_student"].pk, "category": "food", "text": "x"})
    assert outside.status_code == 422 and outside.json()["errors"][0]["reason"] == "not_found"


def test_the_lists_put_late_first(world):
    late = raised(world, text="先提出的")
    fresh = raised(world, text="后提出的")
    Concern.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    admin = client_for(world, "school_a_admin")
    assert [c["id"] for c in admin.get("/api/v1/concerns").json()["items"]] == [late.pk,
                                                                                 fresh.pk]
    assert [c["id"] for c in admin.get("/api/v1/concerns?late=true").json()["items"]] == [
        late.pk]
    page = admin.get("/concerns/?late=on")
    assert [c.pk for c in page.context["page"]] == [late.pk]
    bureau = client_for(world, "jinshui_bureau").get("/concerns/?late=on")
    assert [c.pk for c in bureau.context["page"]] == [late.pk]
    home = admin.get("/")
    assert [c.pk for c in home.context["late_concerns"]] == [late.pk]
    assert b'id="late-concerns"' in home.content
    assert client_for(world, "jinshui_bureau").get("/").context["late_concerns_count"] == 1
    assert client_for(world, "luoyang_bureau").get("/").context["late_concerns_count"] == 0


def test_the_pages_raise_and_show_a_concern(world):
    restrict(world)
    guardian = client_for(world, "guardian_a1")
    form = guardian.get("/concerns/new/")
    assert form.status_code == 200
    client_id = form.context["form"]["client_id"].value()
    body = {"person": world.persons["a1_student"].pk, "category": "study", "text": "需要课本",
            "client_id": client_id}
    sent = guardian.post("/concerns/new/", body)
    concern = Concern.objects.get()
    assert sent.status_code == 302 and sent.url == f"/concerns/{concern.pk}/"
    guardian.post("/concerns/new/", body)
    assert Concern.objects.count() == 1
    detail = guardian.get(sent.url)
    assert detail.status_code == 200 and not detail.context["may_assign"]
    assert not AccessLog.objects.filter(user=world.users["guardian_a1"]).exists()
    admin = client_for(world, "school_a_admin").get(sent.url)
    assert admin.context["may_assign"] and admin.context["may_answer"]
    assert AccessLog.objects.filter(user=world.users["school_a_admin"],
                                    action="view_health").exists()
    assert [c.pk for c in guardian.get("/concerns/mine/").context["page"]] == [concern.pk]


def test_the_form_refuses_someone_under_no_restriction(world):
    guardian = client_for(world, "guardian_a1")
    answer = guardian.post("/concerns/new/", {"person": world.persons["a1_student"].pk,
                                              "category": "food", "text": "x"})
    assert answer.status_code == 400
    assert answer.context["form"].errors["person"]
    assert not Concern.objects.exists()


@pytest.mark.parametrize("username", ["school_a_admin", "gate_a", "jinshui_bureau"])
def test_the_raise_page_is_for_people_and_guardians(world, username):
    assert client_for(world, username).get("/concerns/new/").status_code == 404
