"""A class teacher registers three sick absences with fever in one day on a phone; the
outbreak reporter sees the cluster alert with its 24-hour deadline and the masked draft."""

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from apps.absence.models import Cluster, SickAbsence
from shaodian.testing.world import _person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
# Detection runs as a task on commit; run it at once in the live server's process.
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
def test_it_alerts_the_outbreak_reporter_to_three_fevers_in_one_class(world, login_as,
                                                                     assets_loaded):
    klass = world.classes["a_c1"]
    mate = _person(world, "mate", klass.school, "student", "A2024901", "赵一鸣", klass=klass,
                   seq=21)
    students = [world.persons["a1_student"], world.persons["a1_student2"], mate]
    page = login_as("teacher_a1", viewport=PHONE)
    for student in students:
        page.goto(page.base + "/absence/register/")
        assert assets_loaded(page)
        page.select_option("#id_person", str(student.pk))
        page.click("label[for=id_symptoms_0]")  # 发热 (fever)
        page.fill("#id_temperature", "38.4")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.click("#absence-submit")
        expect(page.locator(".alert-success[role=alert]")).to_contain_text(student.name)
    assert SickAbsence.objects.filter(klass=klass).count() == 3
    cluster = Cluster.objects.get(rule="cluster_report")

    page = login_as("reporter_a")
    page.goto(page.base + "/absence/clusters/")
    row = page.locator(f"tr[data-cluster='{cluster.pk}']")
    expect(row).to_contain_text("七年级1班")
    due = timezone.localtime(cluster.report_due).strftime("%Y-%m-%d %H:%M")
    expect(row).to_contain_text(due)
    row.locator("a").click()
    expect(page.locator("#cluster-deadline")).to_contain_text(due)
    expect(page.locator("#cluster-reason")).to_contain_text("3例发热")
    expect(page.locator("#case-table")).to_contain_text("赵*鸣")
    expect(page.locator("#case-table")).not_to_contain_text("赵一鸣")
    page.click("#mark-sent")
    expect(page.locator(".alert-success[role=alert]")).to_be_visible()
    cluster.refresh_from_db()
    assert cluster.status == "reported" and "赵*鸣" in cluster.report_text

    page = login_as("jinshui_bureau")
    page.goto(page.base + "/absence/clusters/")
    expect(page.locator(f"tr[data-cluster='{cluster.pk}']")).to_contain_text("已报告")
    expect(page.locator("#summary-table")).to_contain_text("金水区第一中学")
    page.wait_for_function(
        "typeof Chart === 'function' && Chart.getChart(document.getElementById('cluster-chart'))")
