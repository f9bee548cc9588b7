"""The inbox in a browser: the top bar counts unread messages; marking one read (htmx) and
then all read brings the count down without a reload."""

import pytest
from django.utils.translation import gettext_lazy as _
from playwright.sync_api import expect

from apps.notifications.models import Notification
from apps.notifications.services import notification_send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_it_counts_unread_messages_and_marks_them_read(world, login_as, assets_loaded):
    teacher = world.users["teacher_a1"]
    notification_send(recipient_ids=[teacher.pk], kind="cluster.alert", subject=_("Urgent"),
                      severity="urgent", link="/followups/")
    for _n in range(2):
        notification_send(recipient_ids=[teacher.pk], kind="checkin.missing",
                          subject=_("Information"))
    notification_send(recipient_ids=[world.users["teacher_a2"].pk], kind="x",
                      subject=_("Warning"))
    page = login_as("teacher_a1", viewport=PHONE)
    assert assets_loaded(page)
    expect(page.locator("#unread-count")).to_have_text("3")
    page.click("#inbox-badge")
    page.wait_for_url(page.base + "/notifications/")
    expect(page.locator("#inbox .notification")).to_have_count(3)  # not teacher_a2's
    urgent = page.locator("#inbox .notification", has_text="紧急")
    expect(urgent).to_have_count(1)
    assert "border-danger" in urgent.get_attribute("class")
    urgent.locator(".mark-read").click()
    expect(page.locator("#unread-count")).to_have_text("2")
    expect(page.locator("#inbox .notification.unread")).to_have_count(2)
    assert page.url == page.base + "/notifications/"  # htmx: no reload
    page.click("#read-all")
    expect(page.locator("#inbox .notification.unread")).to_have_count(0)
    expect(page.locator("#unread-count")).to_have_count(0)
    assert not Notification.objects.filter(recipient=teacher, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world.users["teacher_a2"],
                                       read_at__isnull=True).count() == 1
