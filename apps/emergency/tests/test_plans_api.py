"""/api/v1/emergency plans endpoints, with personas: same services and scope as the pages."""

import json

import pytest
from django.test import Client

from apps.emergency.models import PlanTask, SchoolPlan, TaskForceMember

pytestmark = pytest.mark.django_db
API = "/api/v1/emergency"


def client_for(world, username) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def call(client, method, path, body=None):
    if method == "get":
        return client.get(API + path)
    return getattr(client, method)(API + path, data=json.dumps(body or {}),
                                   content_type="application/json")


def test_it_builds_the_task_force_and_runs_the_plan_through_the_api(world):
    a = world.schools["a"].pk
    admin = client_for(world, "school_a_admin")
    response = call(admin, "post", f"/schools/{a}/task-force",
                    {"user_id": world.users["school_a_admin"].pk, "duty": "leader",
                     "lead": True})
    assert response.status_code == 201 and response.json()["lead"] is True
    response = call(admin, "post", f"/schools/{a}/task-force",
                    {"name": "刘医生", "duty": "cdc", "external": True})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organisation"
    assert call(admin, "post", f"/schools/{a}/plan/from-template").status_code == 201
    run = call(admin, "post", f"/schools/{a}/plan-runs", {}).json()
    assert run["plan_version"] == 1 and len(run["tasks"]) > 10
    task = run["tasks"][0]
    done = call(admin, "post", f"/plan-tasks/{task['id']}/complete", {"note": "到岗"}).json()
    assert done["done_at"] and done["note"] == "到岗"
    assert PlanTask.objects.filter(done_at__isnull=False).count() == 1


def test_it_saves_a_plan_version_and_names_a_bad_step(world):
    a = world.schools["a"].pk
    admin = client_for(world, "school_a_admin")
    plan = call(admin, "post", f"/schools/{a}/plan/from-template").json()
    steps = plan["steps"][:2]
    response = call(admin, "put", f"/schools/{a}/plan", {"base_version": 1, "steps": steps})
    assert response.status_code == 200 and response.json()["version"] == 2
    bad = [*steps, {"title": {"zh": "x"}, "duty": "nobody", "due_minutes": 5}]
    response = call(admin, "put", f"/schools/{a}/plan", {"base_version": 2, "steps": bad})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "steps.3.duty"
    versions = call(client_for(world, "teacher_a1"), "get", f"/schools/{a}/plan/versions")
    assert [v["version"] for v in versions.json()] == [2, 1]


def test_it_lets_a_class_teacher_read_but_not_write(world):
    a = world.schools["a"].pk
    call(client_for(world, "school_a_admin"), "post", f"/schools/{a}/plan/from-template")
    teacher = client_for(world, "teacher_a1")
    assert call(teacher, "get", f"/schools/{a}/plan").status_code == 200
    assert call(teacher, "get", f"/schools/{a}/task-force").json() == []
    assert call(teacher, "post", f"/schools/{a}/task-force",
                {"user_id": world.users["teacher_a1"].pk, "duty": "deputy"}).status_code == 404
    assert call(teacher, "put", f"/schools/{a}/plan",
                {"base_version": 1, "steps": []}).status_code == 404
    assert not TaskForceMember.objects.exists() and SchoolPlan.objects.count() == 1


@pytest.mark.parametrize("persona", ["school_b_admin", "zhongyuan_bureau"])
def test_it_answers_404_out_of_scope(world, persona):
    a = world.schools["a"].pk
    call(client_for(world, "school_a_admin"), "post", f"/schools/{a}/plan/from-template")
    other = client_for(world, persona)
    for path in (f"/schools/{a}/plan", f"/schools/{a}/task-force", f"/schools/{a}/drills"):
        assert call(other, "get", path).status_code == 404, path
    assert call(other, "post", f"/schools/{a}/plan-runs", {}).status_code == 404


def test_it_runs_a_drill_through_the_api(world):
    a = world.schools["a"].pk
    admin = client_for(world, "school_a_admin")
    drill = call(admin, "post", f"/schools/{a}/drills",
                 {"scenario": "午餐时间接到通报", "scheduled_for": "2026-12-01T12:00:00+08:00"})
    assert drill.status_code == 201
    drill_id = drill.json()["id"]
    started = call(admin, "post", f"/drills/{drill_id}/start").json()
    assert started["started_at"] and started["trigger_id"]
    assert started["timings"]["tasks"] > 10 and started["timings"]["open"] > 10
    finished = call(admin, "post", f"/drills/{drill_id}/finish",
                    {"participants": 9, "findings": "顺利"}).json()
    assert (finished["participants"], finished["findings"]) == (9, "顺利")
    listed = call(client_for(world, "teacher_a1"), "get", f"/schools/{a}/drills").json()
    assert [d["id"] for d in listed] == [drill_id]
