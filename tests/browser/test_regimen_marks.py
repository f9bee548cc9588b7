"""A regimen closed unfinished: the class teacher is told, opens the follow-up, goes to the
person's page where the mark shows, and clears it by a decision whose reason is required."""

from datetime import datetime, time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.status.models import RegimenMark
from apps.status.services import status_recompute_expiring, status_recompute_persons
from apps.status.tests.conftest import SHANGHAI_PUDONG, days_ago, trip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_it_lets_the_class_teacher_clear_a_mark_by_a_recorded_decision(henan, login_as,
                                                                       assets_loaded):
    student = henan.persons["a1_student"]
    trip(student, SHANGHAI_PUDONG, back_days_ago=12)  # the window closed 4 days ago
    status_recompute_persons(
        school_id=student.school_id, person_ids=[student.pk], reason="manual",
        now=timezone.make_aware(datetime.combine(days_ago(11), time(20))))
    status_recompute_expiring()  # the sweep gives the verdict: not completed

    page = login_as("teacher_a1", viewport=PHONE)
    assert assets_loaded(page)
    page.click("#inbox-badge")
    page.click("#inbox .notification a.subject")  # "1 条新的跟进任务：检测未完成"
    page.wait_for_url(page.base + "/followups/")
    page.click("#my-followups .followup")
    expect(page.locator("#followup-card")).to_contain_text("检测未完成：重点人群检测")
    page.click("#followup-person-link")
    expect(page.locator(".status-badge")).to_have_text("检测未完成")
    expect(page.locator("#regimen-marks")).to_contain_text("0 / 3 次")
    page.click("#regimen-marks .mark-link")
    page.click("#mark-clear-submit")
    expect(page.locator("#mark-clear .invalid-feedback")).to_contain_text("请说明解除标记的理由")
    page.fill("#id_reason", "已在社区卫生服务中心检测，结果阴性，见报告")
    page.click("#mark-clear-submit")
    page.wait_for_url(page.base + f"/people/{student.pk}/")
    expect(page.locator(".status-badge")).to_have_text("正常")
    expect(page.locator("#regimen-marks")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    mark = RegimenMark.objects.get(person=student)
    assert (mark.cleared_by, mark.decided_by) == ("decision", henan.users["teacher_a1"])
