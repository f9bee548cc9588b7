"""Approvals in a real browser: a teacher asks for an offline meeting over the pack's limit
and is refused with the limit named, asks within it and the school admin approves it; the
teacher's cross-province trip, pending, shows as an approval to obtain in their status on
their home page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _day(offset: int) -> str:
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def _ask(page, kind: str, fields: dict) -> None:
    page.goto(page.base + "/approvals/")
    page.click(f"#approval-kinds a[data-kind='{kind}']")
    page.fill("#id_title", fields.pop("title"))
    page.fill("#id_starts_on", _day(3))
    page.fill("#id_ends_on", _day(4))
    for name, value in fields.items():
        if value is True:
            page.check(f"#id_{name}")
        else:
            page.fill(f"#id_{name}", str(value))
    page.click("#approval-send")


def test_a_meeting_over_the_limit_is_refused_and_one_within_it_approved(
        henan, login_as, click_menu, assets_loaded):
    teacher = login_as("teacher_a1")
    assert assets_loaded(teacher)
    click_menu(teacher, "/approvals/")
    meeting = {"title": "教研组线下会议", "participants": 80, "venue": "第一会议室",
               "online_considered": True, "why_offline": "需现场演示实验"}
    _ask(teacher, "meeting", dict(meeting))
    expect(teacher.locator("#approval-request-form")).to_contain_text("线下会议人数上限为 50 人")
    teacher.fill("#id_participants", "30")
    teacher.click("#approval-send")
    expect(teacher.locator("#approval-state")).to_have_text("待审批")

    admin = login_as("school_a_admin")
    click_menu(admin, "/approvals/inbox/")
    expect(admin.locator("#approval-list tr[data-approval]")).to_have_count(1)
    admin.locator("#approval-list a").first.click()
    expect(admin.locator("#approval-facts")).to_contain_text("王建国")
    admin.select_option("#id_decision", "approve")
    admin.fill("#id_reason", "同意，注意通风")
    admin.click("#approval-decide")
    expect(admin.locator("#approval-state")).to_have_text("已批准")
    expect(admin.locator("#approval-history tbody tr")).to_have_count(2)

    teacher.goto(teacher.base + "/approvals/")
    expect(teacher.locator("#approval-list")).to_contain_text("已批准")
    teacher.goto(teacher.base + "/notifications/")
    expect(teacher.locator("body")).to_contain_text("线下会议或培训")


def test_a_pending_cross_province_trip_shows_in_the_staff_members_status(
        henan, login_as, assets_loaded):
    teacher = login_as("teacher_a1")
    _ask(teacher, "trip", {"title": "赴沪参加培训", "destination": "上海市浦东新区"})
    expect(teacher.locator("#approval-state")).to_have_text("待审批")
    expect(teacher.locator("#approval-facts")).to_contain_text("教育局")
    teacher.goto(teacher.base + "/")
    assert assets_loaded(teacher)
    status = teacher.locator(".status-block").first
    expect(status.locator(".status-reasons")).to_contain_text("跨省出行须报批")
    expect(status.locator(".status-reasons")).to_contain_text("待审批")
    expect(status.locator(".status-actions")).to_contain_text("出行须报批")
