"""Case report, trigger and alert pages through the whole stack, with personas."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.emergency.models import CaseReport, SchoolTrigger
from apps.emergency.reports import case_report_enter
from apps.emergency.triggers import alert_fire
from apps.travel.models import TripLeg

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def client_for(world, username) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def fired(world):
    a1 = world.persons["a1_student"]
    day = TODAY - timedelta(days=3)
    TripLeg.objects.create(school_id=a1.school_id, person=a1, from_region_id="410105",
                           to_region_id="310115", depart=day, arrive=day, transport="train")
    report = case_report_enter(actor=world.users["province"], region="310115",
                               reported_on=TODAY, cases=3, source="通报")
    result = alert_fire(report_id=report.pk)
    return result, SchoolTrigger.objects.get(alert_id=result.alert_id, school=world.schools["a"])


def test_it_records_a_report_from_the_page_and_fires_on_commit(henan, settings,
                                                               django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    client = client_for(henan, "province")
    data = {"region": "上海市浦东新区", "sub_area": "某街道", "reported_on": TODAY.isoformat(),
            "cases": 2, "source": "上海市卫健委"}
    asked = client.post("/emergency/reports/", data)  # first: how many schools it reaches
    assert asked.status_code == 200 and not CaseReport.objects.exists()
    confirmation = asked.content.decode()
    confirmation = confirmation[confirmation.index('id="report-confirmation"'):]
    assert "上海市浦东新区" in confirmation and " 2 所学校" in confirmation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/emergency/reports/", {**data, "confirmed": "1"})
    assert response.status_code == 302
    report = CaseReport.objects.get()
    assert report.alert_id and SchoolTrigger.objects.filter(alert_id=report.alert_id).count() == 2
    page = client.get(response.url).content.decode()
    assert "上海市卫健委" in page and 'id="report-events"' in page
    reach = page[page.index('id="report-reach"'):]
    assert f'href="/emergency/alerts/{report.alert_id}/"' in reach and "已触达 2 所学校" in reach


def test_it_shows_each_bad_field_on_the_report_form(henan):
    response = client_for(henan, "province").post("/emergency/reports/", {
        "region": "火星", "reported_on": TODAY.isoformat(), "cases": 1, "source": "x"})
    assert response.status_code == 400 and not CaseReport.objects.exists()
    assert "invalid-feedback" in response.content.decode()


@pytest.mark.parametrize("persona", ["school_a_admin", "teacher_a1", "guardian_a1"])
def test_it_keeps_the_report_pages_from_schools_and_families(henan, persona):
    assert client_for(henan, persona).get("/emergency/reports/").status_code == 404


def test_it_shows_the_school_its_clock_trace_list_and_hospital(henan):
    _result, trigger = fired(henan)
    page = client_for(henan, "school_a_admin").get(
        f"/emergency/triggers/{trigger.pk}/").content.decode()
    assert 'data-deadline="' in page and 'id="acknowledge"' in page
    trace = page.split('id="trace-list"')[1]
    assert "张小明" in trace and "刘小红" not in trace
    assert "金水区人民医院" in page.split('id="hospital"')[1]


def test_it_acknowledges_and_decides_from_the_page(henan):
    _result, trigger = fired(henan)
    client = client_for(henan, "reporter_a")
    client.post(f"/emergency/triggers/{trigger.pk}/acknowledge/")
    response = client.post(f"/emergency/triggers/{trigger.pk}/decide/", {"mode": "normal"})
    assert response.status_code == 400  # the mode stays: a reason is needed
    response = client.post(f"/emergency/triggers/{trigger.pk}/decide/",
                           {"mode": "normal", "reason": "本校无关联人员外的风险"})
    assert response.status_code == 302
    trigger.refresh_from_db()
    assert trigger.acknowledged_at and trigger.mode_decision == "kept"


def test_it_shows_a_class_teacher_only_their_class_on_the_list(henan):
    _result, trigger = fired(henan)
    mine = client_for(henan, "teacher_a1").get(f"/emergency/triggers/{trigger.pk}/")
    other = client_for(henan, "teacher_a2").get(f"/emergency/triggers/{trigger.pk}/")
    assert "张小明" in mine.content.decode().split('id="trace-list"')[1]
    assert "张小明" not in other.content.decode().split('id="trace-list"')[1]
    assert 'id="acknowledge"' not in mine.content.decode()
    assert client_for(henan, "teacher_a1").post(
        f"/emergency/triggers/{trigger.pk}/acknowledge/").status_code == 404


@pytest.mark.parametrize("persona", ["school_b_admin", "zhongyuan_bureau", "luoyang_bureau"])
def test_it_hides_a_trigger_from_those_out_of_scope(henan, persona):
    _result, trigger = fired(henan)
    assert client_for(henan, persona).get(
        f"/emergency/triggers/{trigger.pk}/").status_code == 404


def test_it_shows_a_bureau_its_schools_by_state_with_the_chart(henan):
    result, trigger = fired(henan)
    client_for(henan, "school_a_admin").post(f"/emergency/triggers/{trigger.pk}/acknowledge/")
    page = client_for(henan, "province").get(f"/emergency/alerts/{result.alert_id}/")
    body = page.content.decode()
    assert page.status_code == 200 and 'id="chart-response"' in body
    assert page.context["summary"]["total"] == 2
    assert page.context["summary"]["acknowledged"] == 1
    jianxi = client_for(henan, "luoyang_bureau").get(f"/emergency/alerts/{result.alert_id}/")
    assert jianxi.context["summary"]["total"] == 1
    assert henan.schools["a"].name not in jianxi.content.decode()


def test_it_takes_reports_and_answers_triggers_through_the_api(henan):
    import json

    client = client_for(henan, "province")
    body = {"region": "310115", "reported_on": TODAY.isoformat(), "cases": 4,
            "source": "上海市卫健委", "client_id": "shwjw-1"}
    created = client.post("/api/v1/emergency/case-reports", json.dumps(body),
                          content_type="application/json")
    again = client.post("/api/v1/emergency/case-reports", json.dumps(body),
                        content_type="application/json")
    assert created.status_code == 201 and again.json()["id"] == created.json()["id"]
    alert_fire(report_id=created.json()["id"])
    school = client_for(henan, "school_a_admin")
    listed = school.get("/api/v1/emergency/triggers").json()
    assert [t["school_id"] for t in listed["items"]] == [henan.schools["a"].pk]
    trigger_id = listed["items"][0]["id"]
    assert listed["items"][0]["state"] == "waiting"
    decided = school.post(f"/api/v1/emergency/triggers/{trigger_id}/decide",
                          json.dumps({"mode": "emergency", "reason": "两触发"}),
                          content_type="application/json")
    assert decided.json()["mode_decision"] == "switched"
    assert decided.json()["state"] == "on_time"
    bad = client.post("/api/v1/emergency/case-reports", json.dumps({**body, "client_id": "",
                                                                    "cases": 0}),
                      content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cases"
    assert client_for(henan, "school_b_admin").get(
        f"/api/v1/emergency/triggers/{trigger_id}").status_code == 404


def test_it_warns_that_the_routine_pack_reaches_no_school(world):
    page = client_for(world, "province").get("/emergency/reports/").content.decode()
    assert 'id="no-triggers"' in page and "routine" in page


def test_it_does_not_warn_under_a_pack_with_triggers(henan):
    page = client_for(henan, "province").get("/emergency/reports/").content.decode()
    assert 'id="no-triggers"' not in page


@pytest.mark.parametrize("who", ["guardian_a1", "gate_a", "teacher_a1", "school_a_admin"])
def test_it_never_replays_another_accounts_report_by_its_client_id(henan, who):
    import json

    body = {"region": "310115", "reported_on": TODAY.isoformat(), "cases": 4,
            "source": "上海市卫健委", "client_id": "shwjw-1"}
    client_for(henan, "province").post("/api/v1/emergency/case-reports", json.dumps(body),
                                       content_type="application/json")
    other = client_for(henan, who)
    replayed = other.post("/api/v1/emergency/case-reports", json.dumps(body),
                          content_type="application/json")
    fresh = other.post("/api/v1/emergency/case-reports",
                       json.dumps({**body, "client_id": "never-sent"}),
                       content_type="application/json")
    assert replayed.status_code == fresh.status_code == 404
    assert replayed.json() == fresh.json()
    assert CaseReport.objects.count() == 1


def test_it_takes_a_bureaus_report_under_a_client_id_another_account_used(henan):
    import json

    body = {"region": "410105", "reported_on": TODAY.isoformat(), "cases": 1,
            "source": "金水区卫健委", "client_id": "jinshui-1"}
    first = client_for(henan, "province").post(
        "/api/v1/emergency/case-reports", json.dumps(body), content_type="application/json")
    second = client_for(henan, "jinshui_bureau").post(
        "/api/v1/emergency/case-reports", json.dumps(body), content_type="application/json")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert CaseReport.objects.get(pk=second.json()["id"]).entered_by == henan.users[
        "jinshui_bureau"]
