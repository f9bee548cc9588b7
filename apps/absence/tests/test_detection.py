"""From registered absences and abnormal check-ins to stored clusters and their alerts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.absence.detection import clusters_detect
from apps.absence.models import Cluster
from apps.absence.tests.conftest import TODAY, days_ago
from apps.health.models import CheckIn
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def fever_in_class(register, classmates, count, first_day=TODAY, user="teacher_a1"):
    return [register(user=user, person_id=pk, first_day=first_day, symptoms=["fever"])
            for pk in classmates[:count]]


def school_a(world):
    return world.schools["a"].pk


def alerts_for(user):
    return Notification.objects.filter(recipient=user, kind="absence.cluster")


def test_it_finds_three_fevers_in_one_class_with_a_24_hour_deadline(
        world, register, classmates, django_capture_on_commit_callbacks):
    absences = fever_in_class(register, classmates, 3)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert clusters_detect(school_id=school_a(world), now=now) == {"new": 1, "grown": 0}
    cluster = Cluster.objects.get()
    assert (cluster.rule, cluster.kind, cluster.group_kind, cluster.klass_id) == (
        "cluster_report", "same_day", "klass", world.classes["a_c1"].pk)
    assert cluster.absence_ids == sorted(a.pk for a in absences)
    assert cluster.report_due == now + timedelta(hours=24)
    assert cluster.reason_zh.startswith("七年级1班") and cluster.status == "open"
    alert = alerts_for(world.users["reporter_a"]).get()
    assert alert.severity == "urgent" and alert.link == f"/absence/clusters/{cluster.pk}/"
    due = timezone.localtime(cluster.report_due).strftime("%Y-%m-%d %H:%M")
    assert due in alert.subject_zh and due in alert.subject_en
    assert "七年级1班" in alert.subject_zh
    assert alerts_for(world.users["school_a_admin"]).count() == 1
    assert not alerts_for(world.users["teacher_a1"]).exists()


def test_it_does_not_alert_twice_and_grows_the_case_list(world, register, classmates,
                                                          django_capture_on_commit_callbacks):
    fever_in_class(register, classmates, 3)
    with django_capture_on_commit_callbacks(execute=True):
        clusters_detect(school_id=school_a(world))
        assert clusters_detect(school_id=school_a(world)) == {"new": 0, "grown": 0}
    fourth = register(person_id=classmates[3], symptoms=["fever", "vomiting"])
    with django_capture_on_commit_callbacks(execute=True):
        assert clusters_detect(school_id=school_a(world)) == {"new": 0, "grown": 1}
    cluster = Cluster.objects.get()
    assert fourth.pk in cluster.absence_ids and len(cluster.person_ids) == 4
    assert alerts_for(world.users["reporter_a"]).count() == 1


def test_it_counts_abnormal_check_ins_of_people_not_absent(world, register, classmates):
    fever_in_class(register, classmates, 2)
    checkin = CheckIn.objects.create(
        school_id=school_a(world), person_id=classmates[2], day=TODAY, slot="morning",
        temperature=Decimal("38.2"), symptoms=[], abnormal=True, submitted_as="teacher",
        client_id="c-1")
    # Household symptoms only: abnormal, but not the person's own illness.
    CheckIn.objects.create(
        school_id=school_a(world), person_id=classmates[3], day=TODAY, slot="morning",
        temperature=Decimal("36.5"), symptoms=[], household_symptoms=True, abnormal=True,
        submitted_as="teacher", client_id="c-2")
    clusters_detect(school_id=school_a(world))
    cluster = Cluster.objects.get()
    assert cluster.checkin_ids == [checkin.pk] and len(cluster.person_ids) == 3


def test_it_counts_a_person_once_when_absent_and_checked_in(world, register, classmates):
    fever_in_class(register, classmates, 2)
    CheckIn.objects.create(
        school_id=school_a(world), person_id=classmates[0], day=TODAY, slot="noon",
        temperature=Decimal("38.2"), symptoms=["fever"], abnormal=True, submitted_as="teacher",
        client_id="c-1")
    clusters_detect(school_id=school_a(world))
    assert not Cluster.objects.exists()


def test_it_never_forms_a_class_cluster_across_classes(world, register, classmates):
    fever_in_class(register, classmates, 2)
    register(user="teacher_a2", person="a2_student")
    clusters_detect(school_id=school_a(world))
    assert not Cluster.objects.exists()


def test_it_alerts_a_suspected_notifiable_case_at_once(world, register,
                                                       django_capture_on_commit_callbacks):
    now = timezone.now()
    absence = register(symptoms=["rash", "fever"], diseases=["measles"], notifiable=True)
    with django_capture_on_commit_callbacks(execute=True):
        clusters_detect(school_id=school_a(world), now=now)
    cluster = Cluster.objects.get(rule="infectious_case_report")
    assert cluster.person_id == absence.person_id and cluster.disease == "measles"
    assert cluster.report_due == now + timedelta(hours=2)
    assert "麻疹" in alerts_for(world.users["reporter_a"]).get().subject_zh


def test_it_suggests_suspending_a_class_with_30_percent_influenza(world, register, classmates):
    # The class has 8 people (2 in the world + 6 classmates): 3 ill is 37.5%.
    for pk in classmates[:3]:
        register(person_id=pk, symptoms=["fever", "cough"], temperature="38.5")
    clusters_detect(school_id=school_a(world))
    cluster = Cluster.objects.get(rule="ili_class_suspension")
    assert (cluster.kind, cluster.klass_id, cluster.suggestion) == (
        "class_share", world.classes["a_c1"].pk, {"suspend_days": 4})


@override_settings(TASKS=IMMEDIATE)
def test_it_detects_on_commit_of_a_new_absence(world, register, classmates,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fever_in_class(register, classmates, 3)
    assert Cluster.objects.filter(rule="cluster_report").count() == 1
    assert alerts_for(world.users["reporter_a"]).count() == 1


@override_settings(TASKS=IMMEDIATE)
def test_it_sweeps_every_school_with_recent_cases(world, register, classmates,
                                                  django_capture_on_commit_callbacks):
    from apps.absence.tasks import detect_clusters_everywhere

    fever_in_class(register, classmates, 3, first_day=days_ago(1))
    with django_capture_on_commit_callbacks(execute=True):
        result = detect_clusters_everywhere.enqueue()
    assert result.return_value == 1
    assert Cluster.objects.get().window_start == days_ago(1)


def test_it_finds_a_cluster_under_the_henan_2022_layer_as_under_routine(world, register,
                                                                        classmates):
    """Three in a class in a day: henan-2022 extends routine, so it keeps its cluster rules
    (the issue: as alternatives, choosing the directive switched cluster detection off)."""
    from apps.policy.models import ProvincePolicy
    from apps.policy.selectors import pack_get

    henan = pack_get("henan-2022")
    ProvincePolicy.objects.create(province_code="410000", pack_id="henan-2022",
                                  pack_version=henan.version, reason="test")
    fever_in_class(register, classmates, 3)
    clusters_detect(school_id=school_a(world))
    assert Cluster.objects.get().rule == "cluster_report"


def test_it_warns_the_school_and_its_bureau_once_of_a_late_report(world, register, classmates):
    from apps.absence.detection import clusters_remind_late

    fever_in_class(register, classmates, 3)
    clusters_detect(school_id=school_a(world))
    cluster = Cluster.objects.get()
    assert clusters_remind_late(now=cluster.report_due - timedelta(minutes=1)) == 0
    later = cluster.report_due + timedelta(minutes=1)
    assert clusters_remind_late(now=later) == 3  # reporter, school admin, Jinshui bureau
    assert clusters_remind_late(now=later) == 0
    late = Notification.objects.get(recipient=world.users["jinshui_bureau"],
                                    kind="absence.cluster_late")
    assert "金水区第一中学：聚集性疫情尚未报告" in late.subject_zh and late.severity == "warning"
    assert "a cluster is not reported" in late.subject_en
    assert not Notification.objects.filter(recipient=world.users["luoyang_bureau"]).exists()
