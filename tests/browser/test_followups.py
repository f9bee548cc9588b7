"""A class teacher completes a trace-back follow-up on a phone: from the inbox message to
"my follow-ups", the detail, an empty outcome refused, then done without a reload."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.followups.models import FollowUp
from apps.followups.services import FollowUpItem, followup_create_many

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_it_lets_a_class_teacher_complete_a_follow_up_on_a_phone(world, login_as,
                                                                  assets_loaded):
    student = world.persons["a1_student"]
    followup_create_many(
        school_id=world.schools["a"].pk, kind="trace_back", source="trigger:1",
        due_at=timezone.now() + timedelta(minutes=30),
        items=[FollowUpItem(person_id=p.pk, title_zh="核酸检测并居家观察",
                            title_en="Get tested and stay home",
                            detail={"actions": ["核酸检测", "居家观察"]})
               for p in (student, world.persons["a2_student"])])
    page = login_as("teacher_a1", viewport=PHONE)
    assert assets_loaded(page)
    expect(page.locator("#unread-count")).to_have_text("1")
    page.click("#inbox-badge")
    page.click("#inbox .notification a.subject")  # "1 条新的跟进任务：倒查"
    page.wait_for_url(page.base + "/followups/")
    expect(page.locator("#unread-count")).to_have_count(0)
    expect(page.locator("#my-followups .followup")).to_have_count(1)  # not the other class
    page.click("#my-followups .followup")
    expect(page.locator("#followup-card")).to_contain_text("核酸检测、居家观察")
    expect(page.locator("#followup-person")).to_contain_text(student.doc_masked)
    page.click("#complete-submit")
    expect(page.locator("#followup-card .invalid-feedback")).to_contain_text("请填写")
    page.fill("#id_outcome", "已检测，结果阴性，居家观察中")
    page.click("#complete-submit")
    expect(page.locator("#followup-status")).to_have_text("已完成")
    expect(page.locator("#followup-outcome")).to_contain_text("结果阴性")
    expect(page.locator("#complete-submit")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    done = FollowUp.objects.get(person=student)
    assert (done.status, done.done_by) == ("done", world.users["teacher_a1"])
    assert FollowUp.objects.get(person=world.persons["a2_student"]).status == "open"
