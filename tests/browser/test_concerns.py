"""A concern (诉求) in a real browser: the guardian of an isolated student raises a food
concern on a phone; the school admin gives it to the outbreak reporter; it goes late and is
escalated to the school and the county bureau (both homes list it, the bureau hears of it);
the reporter answers on a phone; the guardian reads the answer on theirs."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.concerns.models import Concern
from apps.concerns.tasks import escalate_late_concerns
from apps.notifications.models import Notification
from apps.status.models import PersonStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _menu(page, href: str) -> None:
    """On a phone the menu is folded: the link is there; follow it."""
    expect(page.locator(f"nav a[href='{href}']")).to_have_count(1)
    page.goto(page.base + href)


def test_a_guardians_food_concern_is_assigned_escalated_and_answered(
        world, login_as, assets_loaded):
    child = world.persons["a1_student"]
    PersonStatus.objects.create(school_id=child.school_id, person=child, category="isolation",
                                pack="routine", pack_version="test")

    guardian = login_as("guardian_a1", viewport=PHONE)
    assert assets_loaded(guardian)
    _menu(guardian, "/concerns/mine/")
    guardian.click("#concern-raise")
    guardian.select_option("#id_category", "food")
    guardian.fill("#id_text", "孩子隔离中，需要每日送三餐")
    guardian.click("#concern-send")
    expect(guardian.locator("#concern-text")).to_have_text("孩子隔离中，需要每日送三餐")
    expect(guardian.locator("#concern-assignee")).to_have_text("王老师")
    concern = Concern.objects.get()

    admin = login_as("school_a_admin")
    _menu(admin, "/concerns/")
    admin.locator(f"#concern-list tr[data-concern='{concern.pk}'] a").click()
    admin.select_option("#id_assignee", str(world.users["reporter_a"].pk))
    admin.click("#concern-assign")
    expect(admin.locator("#concern-assignee")).to_have_text("疫情报告人")

    past = timezone.now() - timedelta(minutes=1)
    Concern.objects.filter(pk=concern.pk).update(due_at=past, bureau_due_at=past)
    assert escalate_late_concerns.call() == {"school": 1, "bureau": 1}
    assert escalate_late_concerns.call() == {"school": 0, "bureau": 0}
    assert Notification.objects.filter(recipient=world.users["jinshui_bureau"],
                                       link=f"/concerns/{concern.pk}/").count() == 1
    admin.goto(admin.base + "/")
    expect(admin.locator("#late-concerns-count")).to_have_text("1")
    bureau = login_as("jinshui_bureau")
    expect(bureau.locator("#late-concerns .late-concern a")).to_contain_text("张小明")
    bureau.locator("#late-concerns .late-concern a").click()
    expect(bureau.locator("#concern-history .concern-event[data-kind=escalated]")).to_have_count(2)
    expect(bureau.locator("#concern-answer-form")).to_have_count(0)

    reporter = login_as("reporter_a", viewport=PHONE)
    _menu(reporter, "/concerns/mine/")
    reporter.locator(f".my-concern[data-concern='{concern.pk}']").click()
    reporter.fill("#id_answer", "食堂每日7:00、11:30、17:30送餐到门口")
    reporter.click("#concern-answer-send")
    expect(reporter.locator("#concern-answer")).to_contain_text("食堂每日")

    guardian.goto(guardian.base + "/concerns/mine/")
    expect(guardian.locator(".my-concern .concern-answer")).to_contain_text("食堂每日")
    guardian.locator(".my-concern").click()
    expect(guardian.locator("#concern-answer")).to_contain_text("食堂每日")
    expect(guardian.locator("#concern-reopen-form")).to_be_visible()
    admin.goto(admin.base + "/")
    expect(admin.locator("#late-concerns")).to_have_count(0)
