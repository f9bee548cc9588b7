"""Plan, task force, checklist and drill pages through the whole stack, with personas."""

import pytest
from django.test import Client

from apps.emergency.models import Drill, PlanRun, PlanTask, SchoolPlan, TaskForceMember
from apps.emergency.plan_versions import school_plan_from_template
from apps.emergency.plans import plan_run_start
from apps.emergency.taskforce import task_force_member_add
from apps.orgs.models import HospitalContact

pytestmark = pytest.mark.django_db


def client_for(world, username) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def url(world, page, school="a"):
    return f"/emergency/{page}/{world.schools[school].pk}/"


def test_it_sends_a_school_user_straight_to_their_schools_plan(world):
    response = client_for(world, "teacher_a1").get("/emergency/plans/")
    assert response.url == url(world, "plans")


def test_it_shows_the_template_and_the_designated_hospital_before_a_plan_exists(world):
    HospitalContact.objects.create(hospital=world.hospital, name="周医生", role="感染科主任",
                                   phone="13900139000")
    page = client_for(world, "school_a_admin").get(url(world, "plans")).content.decode()
    assert "金水区人民医院" in page and "周医生" in page and "13900139000" in page
    assert 'id="plan-create"' in page
    assert "组长召集应急专班到岗" in page  # the junior template's first step, in Chinese


def test_it_lets_the_school_admin_build_the_task_force_from_the_page(world):
    client = client_for(world, "school_a_admin")
    response = client.post(url(world, "plans") + "task-force/", {
        "form": "internal", "in-user": world.users["teacher_a1"].pk, "in-duty": "deputy",
        "in-lead": "on"})
    assert response.status_code == 302
    response = client.post(url(world, "plans") + "task-force/", {
        "form": "external", "out-name": "刘医生", "out-organisation": "金水区疾控中心",
        "out-duty": "cdc", "out-phone": "12"})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert list(TaskForceMember.objects.values_list("name", "lead")) == [("王老师", True)]


def test_it_edits_the_plan_as_a_formset_into_a_new_version(world):
    admin = world.users["school_a_admin"]
    plan = school_plan_from_template(actor=admin, school_id=world.schools["a"].pk)
    data = {"base_version": "1", "steps-TOTAL_FORMS": str(len(plan.steps) + 1),
            "steps-INITIAL_FORMS": str(len(plan.steps)), "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "60"}
    for i, step in enumerate(plan.steps):
        data.update({f"steps-{i}-key": step["key"], f"steps-{i}-title_zh": step["title"]["zh"],
                     f"steps-{i}-title_en": step["title"]["en"],
                     f"steps-{i}-duty": step["duty"],
                     f"steps-{i}-due_minutes": str(step["due_minutes"]),
                     f"steps-{i}-ORDER": str(i + 1)})
    data["steps-0-ORDER"], data["steps-2-ORDER"] = "3", "1"  # swap the first and third
    data["steps-1-DELETE"] = "on"  # drop the second
    n = len(plan.steps)
    data.update({f"steps-{n}-title_zh": "联系社区", f"steps-{n}-duty": "communication",
                 f"steps-{n}-due_minutes": "45", f"steps-{n}-ORDER": ""})
    response = client_for(world, "school_a_admin").post(url(world, "plans") + "edit/", data)
    assert response.status_code == 302
    v2 = SchoolPlan.objects.get(version=2)
    keys = [s["key"] for s in v2.steps]
    assert keys[:2] == ["decide_mode", "convene"] and "report_bureau" not in keys
    assert v2.steps[-1]["title"]["zh"] == "联系社区" and len(v2.steps) == n
    history = client_for(world, "teacher_a1").get(url(world, "plans") + "history/")
    assert "v2" in history.content.decode()


def test_it_shows_a_class_teacher_the_plan_without_the_forms(world):
    school_plan_from_template(actor=world.users["school_a_admin"],
                              school_id=world.schools["a"].pk)
    client = client_for(world, "teacher_a1")
    page = client.get(url(world, "plans")).content.decode()
    assert 'id="plan-steps"' in page and 'id="plan-edit-link"' not in page
    assert 'id="plan-start-form"' not in page
    assert client.get(url(world, "plans") + "edit/").status_code == 404
    assert client.post(url(world, "plans") + "start/").status_code == 404
    assert client.post(url(world, "plans") + "task-force/", {
        "form": "external", "out-name": "x", "out-organisation": "y", "out-duty": "cdc",
        "out-phone": "13800138000"}).status_code == 404
    assert not PlanRun.objects.exists() and not TaskForceMember.objects.exists()


@pytest.mark.parametrize("persona", ["school_b_admin", "zhongyuan_bureau", "guardian_a1"])
def test_it_answers_404_out_of_scope(world, persona):
    run = plan_run_start(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk)
    client = client_for(world, persona)
    for path in (url(world, "plans"), url(world, "plans") + "task-force/",
                 url(world, "plans") + "history/", url(world, "drills"),
                 f"/emergency/plans/runs/{run.pk}/"):
        assert client.get(path).status_code == 404, path
    task = run.tasks.first()
    assert client.post(f"/emergency/plans/tasks/{task.pk}/done/").status_code == 404
    assert not PlanTask.objects.filter(done_at__isnull=False).exists()


def test_it_starts_the_plan_and_ticks_a_task_with_htmx(world):
    a, admin = world.schools["a"], world.users["school_a_admin"]
    task_force_member_add(actor=admin, school_id=a.pk, user_id=admin.pk, duty="leader",
                          lead=True)
    client = client_for(world, "school_a_admin")
    response = client.post(url(world, "plans") + "start/", {"trigger": ""})
    run = PlanRun.objects.get()
    assert response.url == f"/emergency/plans/runs/{run.pk}/"
    page = client.get(response.url).content.decode()
    assert page.count('class="task-row') == run.tasks.count()
    assert "金水区人民医院" in page
    task = run.tasks.get(step_no=1)
    row = client.post(f"/emergency/plans/tasks/{task.pk}/done/", {"note": "已到岗"},
                      headers={"HX-Request": "true"}).content.decode()
    assert f'id="task-{task.pk}"' in row and 'data-state="done"' in row
    assert 'hx-swap-oob="true"' in row and "已到岗" in row
    assert PlanTask.objects.get(pk=task.pk).done_by == admin


def test_it_lets_a_gate_officer_on_the_task_force_tick_their_task(world):
    a, admin = world.schools["a"], world.users["school_a_admin"]
    task_force_member_add(actor=admin, school_id=a.pk, user_id=world.users["gate_a"].pk,
                          duty="security")
    run = plan_run_start(actor=admin, school_id=a.pk)
    task = run.tasks.get(member__duty="security")
    client = client_for(world, "gate_a")
    page = client.get(f"/emergency/plans/runs/{run.pk}/").content.decode()
    assert page.count("task-tick") == 1 and page.count("task-mine") == 1
    assert client.post(f"/emergency/plans/tasks/{task.pk}/done/").status_code == 302
    assert PlanTask.objects.get(pk=task.pk).done_at is not None


def test_it_schedules_starts_and_finishes_a_drill_from_the_pages(world):
    a, admin = world.schools["a"], world.users["school_a_admin"]
    task_force_member_add(actor=admin, school_id=a.pk, user_id=admin.pk, duty="leader",
                          lead=True)
    client = client_for(world, "school_a_admin")
    response = client.post(url(world, "drills"), {"scenario": "晨检发现发热学生",
                                                  "scheduled_for": "2026-12-01T09:30"})
    assert response.status_code == 302
    drill = Drill.objects.get()
    response = client.post(f"/emergency/drills/d/{drill.pk}/start/")
    run = PlanRun.objects.get()
    assert run.drill and response.url == f"/emergency/plans/runs/{run.pk}/"
    response = client.post(f"/emergency/drills/d/{drill.pk}/finish/",
                           {"participants": "14", "findings": "疾控联络人未到位"})
    assert response.status_code == 302
    page = client_for(world, "teacher_a1").get(url(world, "drills")).content.decode()
    assert "晨检发现发热学生" in page and 'id="chart-drills"' in page
    assert "drill-chart-data" in page


def test_it_shows_a_bureau_the_readiness_of_its_schools_only(world):
    from django.utils import timezone

    from apps.emergency.drills import drill_finish, drill_schedule, drill_start

    admin = world.users["school_a_admin"]
    a = world.schools["a"]
    task_force_member_add(actor=admin, school_id=a.pk, user_id=admin.pk, duty="leader")
    drill = drill_schedule(actor=admin, school_id=a.pk, scenario="演练",
                           scheduled_for=timezone.now())
    drill_start(actor=admin, drill_id=drill.pk)
    drill_finish(actor=admin, drill_id=drill.pk, participants=5, findings="")
    page = client_for(world, "province").get("/emergency/plans/").content.decode()
    assert "金水区第一中学" in page and "涧西区实验中学" in page
    assert 'id="count-no-task-force">1<' in page and 'id="count-no-plan">1<' in page
    assert 'id="count-no-drill">1<' in page and ">v1<" in page
    county = client_for(world, "luoyang_bureau").get("/emergency/plans/")
    assert county.status_code == 302 and county.url == url(world, "plans", "b")


def test_it_shows_the_checklist_in_english_when_chosen(world, settings):
    run = plan_run_start(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk)
    client = client_for(world, "school_a_admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/emergency/plans/runs/{run.pk}/").content.decode()
    assert "Acknowledge the alert; the leader convenes the task force" in page
    assert "Designated hospital (one school, one hospital)" in page
    assert "组长召集" not in page and "定点医疗机构" not in page


def test_it_refuses_to_start_a_manual_run_for_a_trigger_already_answered(world):
    from apps.emergency.tests.test_plans import trigger_for

    a = world.schools["a"]
    trigger = trigger_for(a)
    client = client_for(world, "school_a_admin")
    first = client.post(url(world, "plans") + "start/", {"trigger": trigger.pk})
    run = PlanRun.objects.get()
    assert first.url == f"/emergency/plans/runs/{run.pk}/" and run.trigger == trigger
    again = client.post(url(world, "plans") + "start/", {"trigger": trigger.pk})
    assert again.url == url(world, "plans")
    assert PlanRun.objects.count() == 1


def test_it_links_the_steps_done_on_other_pages(world):
    from apps.emergency.tests.test_plans import trigger_for

    a = world.schools["a"]
    trigger = trigger_for(a)
    run = plan_run_start(actor=world.users["school_a_admin"], school_id=a.pk,
                         trigger_id=trigger.pk)
    page = client_for(world, "school_a_admin").get(f"/emergency/plans/runs/{run.pk}/")
    html = page.content.decode()
    assert f'href="/emergency/modes/{a.pk}/" class="step-link"' in html
    assert html.count(f'href="/emergency/triggers/{trigger.pk}/" class="step-link"') == 3


@pytest.mark.parametrize(("school", "status"), [("a", 200), ("b", 404)])
def test_it_shows_the_designated_hospital_its_paired_schools_plan_only(world, school, status):
    client = client_for(world, "hospital_a")
    assert client.get(url(world, "plans", school)).status_code == status
    assert client.post(url(world, "plans", school) + "start/").status_code == 404


@pytest.mark.parametrize(("data", "status", "scheduled"), [
    ({"scenario": "午检发现呕吐学生", "scheduled_for": "2026-12-01T09:30"}, 302, 1),
    ({"scenario": "午检发现呕吐学生", "scheduled_for": "tomorrow"}, 400, 0),
    ({"scenario": "", "scheduled_for": "2026-12-01T09:30"}, 400, 0),
], ids=["valid", "bad time", "no scenario"])
def test_it_answers_a_drill_form_by_form_submit(world, data, status, scheduled):
    response = client_for(world, "school_a_admin").post(url(world, "drills"), data)
    assert response.status_code == status
    assert Drill.objects.count() == scheduled
    if status == 302:
        assert response.url == url(world, "drills")
    else:  # the page again, the errors on the form's fields
        page = response.content.decode()
        assert 'id="drill-schedule"' in page and "invalid-feedback" in page


def test_it_refuses_a_drill_form_to_whoever_may_not_manage(world):
    response = client_for(world, "teacher_a1").post(url(world, "drills"), {
        "scenario": "演练", "scheduled_for": "2026-12-01T09:30"})
    assert response.status_code == 404 and not Drill.objects.exists()
