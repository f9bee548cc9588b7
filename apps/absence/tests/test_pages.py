"""The sick absence and cluster pages, with personas."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.absence.detection import clusters_detect
from apps.absence.models import Cluster, SickAbsence
from apps.absence.report import draft_text, mask_name
from apps.absence.tests.conftest import TODAY, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client, world):
    def login(username, language="en"):
        client.force_login(world.users[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return login


@pytest.fixture
def cluster(world, register, classmates):
    for pk in classmates[:3]:
        register(person_id=pk, symptoms=["fever"], temperature="38.2")
    clusters_detect(school_id=world.schools["a"].pk)
    return Cluster.objects.get()


def post_absence(client, person, **extra):
    data = {"person": person.pk, "first_day": TODAY.isoformat(), "symptoms": ["fever"],
            "client_id": "form-1", **extra}
    return client.post(reverse("absence:register"), data)


def test_it_offers_a_class_teacher_only_their_class(world, as_user):
    page = as_user("teacher_a1").get(reverse("absence:register")).content.decode()
    assert "张小明" in page and "刘小红" in page and "陈小刚" not in page


def test_it_offers_a_guardian_only_their_child(world, as_user):
    page = as_user("guardian_a1").get(reverse("absence:register")).content.decode()
    assert "张小明" in page and "刘小红" not in page


def test_it_registers_from_the_form_once(world, as_user):
    client = as_user("teacher_a1")
    person = world.persons["a1_student"]
    assert post_absence(client, person).status_code == 302
    assert post_absence(client, person).status_code == 302  # the same client id: a retry
    assert SickAbsence.objects.filter(person=person).count() == 1


def test_it_shows_the_error_on_its_field(world, as_user):
    response = post_absence(as_user("teacher_a1"), world.persons["a1_student"],
                            temperature="365")
    assert response.status_code == 400
    assert "between 34.0 and 43.0" in response.content.decode()
    assert not SickAbsence.objects.exists()


def test_it_refuses_a_person_out_of_scope_in_the_form(world, as_user):
    response = post_absence(as_user("teacher_a2"), world.persons["a1_student"])
    assert response.status_code == 400 and not SickAbsence.objects.exists()


def test_it_lists_the_school_s_absences_by_scope(world, register, as_user):
    register(person="a1_student")
    register(user="teacher_a2", person="a2_student")
    mine = as_user("teacher_a1").get(reverse("absence:list")).content.decode()
    assert "张小明" in mine and "陈小刚" not in mine
    school = as_user("reporter_a").get(reverse("absence:list")).content.decode()
    assert "张小明" in school and "陈小刚" in school
    other = as_user("school_b_admin").get(reverse("absence:list")).content.decode()
    assert "张小明" not in other


def test_it_answers_404_for_another_class_s_absence(world, register, as_user):
    absence = register(person="a1_student")
    assert as_user("teacher_a2").get(reverse("absence:detail", args=[absence.pk])
                                     ).status_code == 404
    assert as_user("teacher_a1").get(reverse("absence:detail", args=[absence.pk])
                                     ).status_code == 200


def test_it_lists_overdue_causes_and_returns_due_today(world, register, as_user):
    overdue = register(person="a1_student", first_day=days_ago(3))
    SickAbsence.objects.filter(pk=overdue.pk).update(cause_due_at=overdue.reported_at.replace(
        year=overdue.reported_at.year - 1))
    register(person="a1_student2", first_day=days_ago(3), last_day=days_ago(1))
    client = as_user("reporter_a")
    late = client.get(reverse("absence:list") + "?show=cause_overdue").content.decode()
    assert "张小明" in late and "刘小红" not in late
    today = client.get(reverse("absence:list") + "?show=returning_today").content.decode()
    assert "刘小红" in today and "张小明" not in today


def test_it_records_cause_and_return_from_the_detail_page(world, register, as_user):
    absence = register(person="a1_student", first_day=days_ago(3))
    client = as_user("teacher_a1")
    assert client.post(reverse("absence:cause", args=[absence.pk]),
                       {"outcome": "not_infectious", "diagnosis": "胃肠炎"}).status_code == 302
    assert client.post(reverse("absence:return", args=[absence.pk]),
                       {"returned_on": TODAY.isoformat()}).status_code == 302
    absence.refresh_from_db()
    assert (absence.cause_diagnosis, absence.returned_on) == ("胃肠炎", TODAY)


def test_it_masks_names_in_the_draft_report(world, cluster):
    text = draft_text(cluster)
    assert "赵*鸣" in text and "赵一鸣" not in text and "孙*" in text
    assert "金水区疾病预防控制中心" in text and "金水区教育局" in text
    for person in world.persons.values():
        assert person.plain_document not in text
    assert [mask_name(n) for n in ("张小明", "王芳", "欧阳娜娜", "")] == [
        "张*明", "王*", "欧**娜", ""]


def test_it_shows_the_cluster_and_its_deadline_to_the_outbreak_reporter(world, cluster,
                                                                        as_user):
    page = as_user("reporter_a", "zh-hans").get(
        reverse("absence:cluster", args=[cluster.pk])).content.decode()
    assert "七年级1班" in page and "赵*鸣" in page and "赵一鸣" not in page
    assert page.count(timezone.localtime(cluster.report_due).strftime("%Y-%m-%d")) >= 1
    assert 'id="mark-sent"' in page


def test_it_marks_the_report_sent_and_shows_lateness_to_the_bureau(world, cluster, as_user):
    from datetime import timedelta

    Cluster.objects.filter(pk=cluster.pk).update(
        detected_at=cluster.detected_at - timedelta(hours=30),
        report_due=cluster.report_due - timedelta(hours=30))
    response = as_user("reporter_a").post(reverse("absence:cluster_report", args=[cluster.pk]),
                                          {"report_text": "已报送"})
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.status == "reported" and cluster.reported_by == world.users["reporter_a"]
    assert cluster.is_late()
    page = as_user("jinshui_bureau").get(reverse("absence:clusters") + "?show=late")
    assert f'data-cluster="{cluster.pk}"' in page.content.decode()
    assert "table-danger" in page.content.decode()


@pytest.mark.parametrize("user", ["luoyang_bureau", "zhongyuan_bureau", "school_b_admin",
                                  "teacher_a2", "guardian_a1", "student_a1", "gate_a"])
def test_it_hides_clusters_from_those_outside(world, cluster, as_user, user):
    client = as_user(user)
    assert f'data-cluster="{cluster.pk}"' not in client.get(
        reverse("absence:clusters")).content.decode()
    assert client.get(reverse("absence:cluster", args=[cluster.pk])).status_code == 404


def test_it_shows_a_class_s_cluster_to_its_teacher_but_not_the_report_button(world, cluster,
                                                                            as_user):
    page = as_user("teacher_a1").get(reverse("absence:cluster", args=[cluster.pk]))
    assert page.status_code == 200 and 'id="mark-sent"' not in page.content.decode()
    assert as_user("teacher_a1").post(reverse("absence:cluster_report", args=[cluster.pk]),
                                      {"report_text": "x"}).status_code == 404


def test_it_switches_a_class_online_from_a_suspension_suggestion(world, register, classmates,
                                                                 as_user):
    from apps.emergency.selectors import online_scopes

    for pk in classmates[:3]:
        register(person_id=pk, symptoms=["fever", "cough"], temperature="38.6")
    clusters_detect(school_id=world.schools["a"].pk)
    suspension = Cluster.objects.get(rule="ili_class_suspension")
    client = as_user("school_a_admin")
    assert 'id="suspend-class"' in client.get(
        reverse("absence:cluster", args=[suspension.pk])).content.decode()
    assert client.post(reverse("absence:cluster_suspend", args=[suspension.pk])
                       ).status_code == 302
    suspension.refresh_from_db()
    assert suspension.suspended_at is not None
    assert online_scopes(school_id=world.schools["a"].pk)["klass"] == {world.classes["a_c1"].pk}


def test_it_gives_menu_entries_by_role(world):
    from apps.absence.menu import entries

    names = {u: {e.url_name for e in entries(world.users[u])}
             for u in ("teacher_a1", "guardian_a1", "reporter_a", "jinshui_bureau", "gate_a")}
    assert names["teacher_a1"] == {"absence:register", "absence:list", "absence:clusters"}
    assert names["guardian_a1"] == {"absence:register"}
    assert names["reporter_a"] == {"absence:register", "absence:list", "absence:clusters"}
    assert names["jinshui_bureau"] == {"absence:list", "absence:clusters"}
    assert names["gate_a"] == set()


def test_it_speaks_chinese_by_default_and_english_on_request(world, as_user):
    zh = as_user("teacher_a1", "zh-hans").get(reverse("absence:register")).content.decode()
    assert "登记因病缺勤" in zh and "缺勤首日" in zh and "发热" in zh
    en = as_user("teacher_a1", "en").get(reverse("absence:register")).content.decode()
    assert "Report sick absence" in en and "First day absent" in en


def test_it_shows_a_bureau_each_school_s_late_reports_with_a_chart(world, cluster, as_user):
    from datetime import timedelta

    Cluster.objects.filter(pk=cluster.pk).update(
        report_due=cluster.report_due - timedelta(hours=30))
    page = as_user("jinshui_bureau").get(reverse("absence:clusters")).content.decode()
    assert 'id="cluster-chart"' in page and "/static/vendor/chart.umd.min." in page
    row = page[page.index('id="summary-table"'):]
    assert "<td>金水区第一中学</td><td>1</td><td>1</td><td>0</td><td>0</td>" in row
    school = as_user("reporter_a").get(reverse("absence:clusters")).content.decode()
    assert 'id="cluster-chart"' not in school


def test_the_school_home_lists_the_cluster_waiting_for_its_report(world, cluster, as_user):
    page = as_user("school_a_admin").get(reverse("web:home")).content.decode()
    waiting = page[page.index('id="clusters-to-report"'):]
    assert reverse("absence:cluster", args=[cluster.pk]) in waiting
    cluster.status = "reported"
    cluster.reported_at = timezone.now()
    cluster.save()
    assert 'id="clusters-to-report"' not in as_user("school_a_admin").get(
        reverse("web:home")).content.decode()
