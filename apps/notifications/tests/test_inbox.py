"""The inbox pages and API: each user sees only their own, in their language."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.notifications.models import Notification
from apps.notifications.services import channel_add, notification_send

pytestmark = pytest.mark.django_db


HOME = _("Home")


def send(world, username, subject=HOME, **kwargs):
    notification_send(recipient_ids=[world.users[username].pk], kind="checkin.missing",
                      subject=subject, **kwargs)
    return Notification.objects.filter(recipient=world.users[username]).latest("id")


@pytest.fixture
def as_user(client, world):
    def login(username, language="en"):
        client.force_login(world.users[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return login


def test_it_shows_a_user_only_their_own_notifications(world, as_user):
    send(world, "teacher_a1", subject=_("Log out"), link="/followups/")
    other = send(world, "teacher_a2", subject=_("Home"))
    client = as_user("teacher_a1")
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Log out" in page and ">Home<" not in page
    assert client.post(reverse("notifications:read", args=[other.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[other.pk])).status_code == 404
    assert Notification.objects.get(pk=other.pk).read_at is None
    api = client.get("/api/v1/notifications").json()
    assert [n["subject"] for n in api["items"]] == ["Log out"]
    assert client.post(f"/api/v1/notifications/{other.pk}/read").status_code == 404


def test_it_shows_the_subject_in_the_readers_language(world, as_user):
    send(world, "teacher_a1", subject=_("Log out"))
    assert "退出登录" in as_user("teacher_a1", "zh-hans").get(
        reverse("notifications:inbox")).content.decode()
    assert as_user("teacher_a1", "en").get("/api/v1/notifications").json()["items"][0][
        "subject"] == "Log out"


def test_it_answers_the_api_in_the_accounts_language_without_a_cookie(world, client):
    user = world.users["teacher_a1"]
    user.language = "en"
    user.save()
    send(world, "teacher_a1", subject=_("Log out"))
    client.force_login(user)
    assert client.get("/api/v1/notifications").json()["items"][0]["subject"] == "Log out"


def test_it_lists_unread_first_and_counts_them_in_the_top_bar(world, as_user):
    old = send(world, "teacher_a1", subject=_("Home"))
    send(world, "teacher_a1", subject=_("Log out"))
    client = as_user("teacher_a1")
    client.post(reverse("notifications:read", args=[Notification.objects.latest("id").pk]))
    newest_read_last = send(world, "teacher_a1", subject=_("Home"))
    rows = [n["id"] for n in client.get("/api/v1/notifications").json()["items"]]
    assert rows[:2] == [newest_read_last.pk, old.pk]
    home = client.get(reverse("web:home")).content.decode()
    assert 'id="unread-count">2<' in home
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 2,
                                                                        "capped": False}


def test_it_marks_one_read_with_htmx_and_updates_the_badge(world, as_user):
    note = send(world, "teacher_a1")
    send(world, "teacher_a1")
    client = as_user("teacher_a1")
    response = client.post(reverse("notifications:read", args=[note.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'hx-swap-oob="true"' in html and 'id="unread-count">1<' in html
    assert "mark-read" not in html.split('id="inbox-badge"')[0]
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_it_marks_all_read(world, as_user):
    for _n in range(3):
        send(world, "teacher_a1")
    send(world, "teacher_a2")
    client = as_user("teacher_a1")
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 3}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    assert 'id="unread-count"' not in client.get(reverse("web:home")).content.decode()


def test_it_opens_the_link_and_marks_it_read(world, as_user):
    note = send(world, "teacher_a1", link="/followups/")
    evil = send(world, "teacher_a1", link="//evil.example/")
    client = as_user("teacher_a1")
    assert client.get(reverse("notifications:open", args=[note.pk])).url == "/followups/"
    assert client.get(reverse("notifications:open", args=[evil.pk])).url == reverse(
        "notifications:inbox")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_it_caps_the_badge_at_99_plus(world, as_user):
    notification_send(recipient_ids=[world.users["teacher_a1"].pk], kind="x",
                      subject=_("Home"))
    Notification.objects.bulk_create([Notification(recipient=world.users["teacher_a1"],
                                                   kind="x", subject_zh="x", subject_en="x")
                                      for _n in range(120)])
    badge = as_user("teacher_a1").get(reverse("notifications:badge")).content.decode()
    assert 'id="unread-count">99+<' in badge


def test_it_shows_delivery_status_only_within_scope(world, as_user):
    for username, school in (("school_a_admin", "a"), ("school_b_admin", "b")):
        channel_add(actor=world.users[username], school_id=world.schools[school].pk,
                    kind="webhook", address=f"https://example.cn/{school}", min_severity="info")
        notification_send(recipient_ids=[world.users[username].pk], kind="cluster.alert",
                          subject=_("Home"), school_id=world.schools[school].pk)
    page = as_user("school_a_admin").get(reverse("notifications:deliveries")).content.decode()
    assert "https://example.cn/a" in page and "https://example.cn/b" not in page
    page = as_user("jinshui_bureau").get(reverse("notifications:deliveries")).content.decode()
    assert page.count('class="delivery"') == 1
    assert as_user("zhongyuan_bureau").get(reverse("notifications:deliveries")).content.decode() \
        .count('class="delivery"') == 0
    assert as_user("teacher_a1").get(reverse("notifications:deliveries")).status_code == 404


def test_it_adds_own_and_school_channels_from_the_page(world, as_user):
    client = as_user("school_a_admin")
    assert client.post(reverse("notifications:channels"), {
        "form": "school", "school-school": world.schools["a"].pk, "school-kind": "wecom",
        "school-address": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY",
        "school-min_severity": "urgent", "school-language": "zh-hans",
        "school-kinds": "trigger., cluster."}).status_code == 302
    page = client.get(reverse("notifications:channels")).content.decode()
    assert "qyapi.weixin.qq.com/cgi-bin/webhook/send" in page and "SECRETKEY" not in page
    teacher = as_user("teacher_a1")
    bad = teacher.post(reverse("notifications:channels"), {
        "form": "own", "own-kind": "sms", "own-address": "12345", "own-min_severity": "info",
        "own-language": "zh-hans"})
    assert bad.status_code == 400 and "Not a valid address" in bad.content.decode()
    assert "school-kind" not in bad.content.decode()  # no school form for a teacher
