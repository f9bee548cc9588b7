"""Follow-up pages and API with personas: each sees only their scope; out of scope is 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.followups.models import FollowUp

pytestmark = pytest.mark.django_db


@pytest.fixture
def followups(world, make_followups):
    make_followups("a1_student", "a1_student2", "a2_student", "a_staff", notify=False)
    return {f.person_id: f for f in FollowUp.objects.all()}


def of(world, followups, key):
    return followups[world.persons[key].pk]


def test_it_lists_a_class_teachers_own_follow_ups(world, followups, as_user):
    client = as_user("teacher_a1")
    page = client.get(reverse("followups:mine")).content.decode()
    assert "张小明" in page and "刘小红" in page and "陈小刚" not in page
    assert page.count('class="list-group-item list-group-item-action followup') == 2
    api = client.get("/api/v1/followups", {"mine": True}).json()
    assert {i["person"]["name"] for i in api["items"]} == {"张小明", "刘小红"}
    assert api["items"][0]["person"]["doc_masked"].count("*") == 10
    assert "doc_cipher" not in str(api) and world.persons["a1_student"].plain_document \
        not in str(api)


def test_it_lets_a_class_teacher_complete_their_classs_follow_up(world, followups, as_user):
    client = as_user("teacher_a1")
    target = of(world, followups, "a1_student")
    detail = client.get(reverse("followups:detail", args=[target.pk])).content.decode()
    assert "Get tested" in detail and "test、stay_home" in detail
    assert world.persons["a1_student"].doc_masked in detail
    assert world.persons["a1_student"].plain_document not in detail
    assert 'id="reassign"' not in detail  # only the school admin reassigns
    empty = client.post(reverse("followups:complete", args=[target.pk]), {"outcome": " "},
                        HTTP_HX_REQUEST="true")
    assert "Say what was found or done." in empty.content.decode()
    done = client.post(reverse("followups:complete", args=[target.pk]),
                       {"outcome": "Tested negative"}, HTTP_HX_REQUEST="true")
    html = done.content.decode()
    assert done.status_code == 200 and 'id="followup-outcome"' in html
    assert "Tested negative" in html and 'id="complete-submit"' not in html
    target.refresh_from_db()
    assert (target.status, target.done_by) == ("done", world.users["teacher_a1"])


def test_it_completes_through_the_api(world, followups, as_user):
    client = as_user("teacher_a1")
    target = of(world, followups, "a1_student2")
    url = f"/api/v1/followups/{target.pk}/complete"
    bad = client.post(url, {"outcome": ""}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "outcome"
    for _twice in range(2):  # a retried request is harmless
        response = client.post(url, {"outcome": "居家观察"}, content_type="application/json")
        assert response.status_code == 200 and response.json()["status"] == "done"


def test_it_hides_another_classs_follow_up_from_a_teacher(world, followups, as_user):
    client = as_user("teacher_a2")
    target = of(world, followups, "a1_student")
    assert client.get(reverse("followups:detail", args=[target.pk])).status_code == 404
    assert client.post(reverse("followups:complete", args=[target.pk]),
                       {"outcome": "x"}).status_code == 404
    assert client.get(f"/api/v1/followups/{target.pk}").status_code == 404
    assert client.post(f"/api/v1/followups/{target.pk}/complete", {"outcome": "x"},
                       content_type="application/json").status_code == 404
    assert FollowUp.objects.get(pk=target.pk).status == "open"


@pytest.mark.parametrize("username", ["zhongyuan_bureau", "luoyang_bureau", "guardian_a1",
                                      "student_a1", "school_b_admin", "gate_a"])
def test_it_shows_nothing_to_those_out_of_scope(world, followups, as_user, username):
    client = as_user(username)
    target = of(world, followups, "a1_student")
    assert client.get("/api/v1/followups", {"status": ""}).json()["count"] == 0
    page = client.get(reverse("followups:list")).content.decode()
    assert "Get tested" not in page and 'class="followup"' not in page
    assert client.get(reverse("followups:detail", args=[target.pk])).status_code == 404
    assert client.get("/api/v1/followups/counts").json()["total"] == {
        "open": 0, "done": 0, "overdue": 0}


def test_it_gives_the_county_bureau_its_schools_follow_ups(world, followups, as_user):
    client = as_user("jinshui_bureau")
    assert client.get("/api/v1/followups").json()["count"] == 4
    assert client.get(reverse("followups:detail",
                              args=[of(world, followups, "a_staff").pk])).status_code == 200
    # a bureau sees but does not complete
    assert client.post(reverse("followups:complete", args=[of(world, followups,
                                                              "a_staff").pk]),
                       {"outcome": "x"}).status_code == 404


def test_it_filters_and_counts_the_schools_list(world, followups, make_followups, as_user):
    make_followups("a1_student", kind="recheck", source="tube:T1", due_in=-timedelta(hours=1),
                   notify=False)
    FollowUp.objects.filter(pk=of(world, followups, "a2_student").pk).update(status="done")
    client = as_user("school_a_admin")
    counts = client.get("/api/v1/followups/counts").json()
    assert counts["by_kind"] == {"trace_back": {"open": 3, "done": 1, "overdue": 0},
                                 "recheck": {"open": 1, "done": 0, "overdue": 1}}
    overdue = client.get(reverse("followups:list"), {"overdue": "on"},
                         HTTP_HX_REQUEST="true").content.decode()
    assert overdue.count('class="followup"') == 1 and "<html" not in overdue
    rechecks = client.get(reverse("followups:list"), {"kind": "recheck", "status": "open"})
    assert rechecks.content.decode().count('class="followup"') == 1
    done = client.get(reverse("followups:list"), {"status": "done"}).content.decode()
    assert "陈小刚" in done and done.count('class="followup"') == 1


def test_it_lets_the_school_admin_reassign(world, followups, as_user):
    target = of(world, followups, "a1_student")
    client = as_user("school_a_admin")
    page = client.get(reverse("followups:detail", args=[target.pk])).content.decode()
    assert 'id="reassign"' in page and "七年级组长" in page and "李老师" not in page
    client.post(reverse("followups:reassign", args=[target.pk]),
                {"assignee": world.users["unit_lead_a"].pk})
    target.refresh_from_db()
    assert target.assignee == world.users["unit_lead_a"]
    lead = as_user("unit_lead_a")
    assert "张小明" in lead.get(reverse("followups:mine")).content.decode()
    refused = as_user("teacher_a1").post(f"/api/v1/followups/{target.pk}/reassign",
                                         {"assignee_id": world.users["teacher_a1"].pk},
                                         content_type="application/json")
    assert refused.status_code == 404


def test_it_shows_the_menu_entries_by_role(world, as_user):
    def links(username):
        return as_user(username).get(reverse("web:home")).content.decode()

    teacher = links("teacher_a1")
    assert 'href="/followups/"' in teacher and 'href="/followups/all/"' not in teacher
    admin = links("school_a_admin")
    assert 'href="/followups/"' in admin and 'href="/followups/all/"' in admin
    assert 'href="/followups/all/"' in links("province")
    assert "/followups/" not in links("guardian_a1")


def test_a_trace_back_shows_its_alert_area_actions_in_words_and_the_guardian_to_call(
        world, as_user):
    from apps.emergency.models import Alert
    from apps.followups.services import followup_create_many
    from apps.followups.tests.conftest import item
    from apps.people.models import HouseholdMember

    student = world.persons["a1_student"]
    alert = Alert.objects.create(region_id="410105", merge_until=timezone.now())
    HouseholdMember.objects.create(school=student.school, person=student, name="张爸爸",
                                   relation="父亲", phone="13912345678", guardian=True)
    followup_create_many(
        school_id=student.school_id, kind="trace_back", source="trigger:1", notify=False,
        items=[item(student, detail={
            "alert": alert.pk, "region": "410105", "since": "2026-11-15",
            "actions": [{"kind": "test", "count": 2, "within_days": 3},
                        {"kind": "monitor", "days": 7}, {"kind": "report"}]})],
        due_at=timezone.now() + timedelta(hours=2))
    target = FollowUp.objects.get()
    page = as_user("teacher_a1", "zh-hans").get(
        reverse("followups:detail", args=[target.pk])).content.decode()
    card = page[page.index('id="followup-card"'):]
    assert f'href="/emergency/alerts/{alert.pk}/"' in card and "Alert" not in card
    assert "金水区" in card and "kind: test" not in card
    assert "3天内核酸检测2次" in card and "健康监测7天" in card and "向班主任报告" in card
    guardians = card[card.index('id="followup-guardians"'):]
    assert "张爸爸" in guardians and "父亲" in guardians and "139" in guardians
