"""The delivery loop: claims, sends on each channel's format, retries with backoff, gives up."""

import base64
import hashlib
import hmac
import logging
import urllib.parse
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.notifications import services
from apps.notifications.models import Channel, Delivery, DeliveryStatus
from apps.notifications.services import (
    Address,
    backoff,
    channel_add,
    deliveries_claim,
    deliveries_due_ids,
    delivery_run,
    notification_send,
    notification_send_external,
)

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
ID_NUMBER = "11010519491231002X"


def external(world, channel, address, **kwargs):
    defaults = {"kind": "cluster.report", "subject": _("Home"), "severity": "urgent",
                "school_id": world.schools["a"].pk}
    notification_send_external(addresses=[Address(channel, address)], **{**defaults, **kwargs})
    return Delivery.objects.latest("id")


def robot(world, kind, url, **kwargs):
    channel_add(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk,
                kind=kind, address=url, min_severity="info", **kwargs)
    notification_send(recipient_ids=[world.users["teacher_a1"].pk], kind="trigger.fired",
                      subject=_("Home"), body=_("Log out"), school_id=world.schools["a"].pk,
                      severity="urgent", link="/followups/")
    return Delivery.objects.get()


def test_it_never_lets_two_claimers_send_one_delivery(world):
    for n in range(5):
        external(world, "webhook", f"https://example.cn/{n}")
    now = timezone.now()
    # Both runs read the same due rows before either claims them ...
    first_ids = deliveries_due_ids(now=now, limit=10)
    second_ids = deliveries_due_ids(now=now, limit=10)
    assert first_ids == second_ids and len(first_ids) == 5
    # ... the conditional UPDATE gives each row to the first claimer only.
    first = deliveries_claim(ids=first_ids, now=now, token="a" * 32)
    second = deliveries_claim(ids=second_ids, now=now, token="b" * 32)
    assert len(first) == 5 and second == []
    assert set(Delivery.objects.values_list("status", "claim_token")) == {
        ("sending", "a" * 32)}


def test_it_stamps_a_delivery_made_without_its_notifications_time_with_that_time(world):
    """The claim reads a delivery's notification by id and time: a delivery made anywhere
    (a bench, a test, a new sender) without the time still finds it, made long before."""
    from apps.notifications.models import Notification

    note = Notification.objects.create(kind="cluster.report", subject_zh="核对",
                                       subject_en="Check", school=world.schools["a"],
                                       created_at=timezone.now() - timedelta(days=40))
    Delivery.objects.bulk_create([Delivery(notification=note, channel="webhook",
                                           address="https://example.cn/bulk")])
    Delivery.objects.create(notification=note, channel="webhook", address="https://example.cn/one")
    assert set(Delivery.objects.values_list("notification_created_at", flat=True)) == {
        note.created_at}
    now = timezone.now()
    claimed = deliveries_claim(ids=deliveries_due_ids(now=now, limit=10), now=now,
                               token="c" * 32)
    assert [d.notification for d in claimed] == [note, note]


def test_it_takes_back_a_claim_whose_worker_died(world):
    delivery = external(world, "webhook", "https://example.cn/x")
    then = timezone.now()
    deliveries_claim(ids=[delivery.pk], now=then, token="a" * 32)
    assert deliveries_due_ids(now=then + timedelta(minutes=5), limit=10) == []
    later = then + services.CLAIM_LEASE + timedelta(seconds=1)
    assert [d.pk for d in deliveries_claim(ids=[delivery.pk], now=later, token="b" * 32)] == [
        delivery.pk]


def test_it_posts_the_wecom_robot_format(world, http_server):
    delivery = robot(world, "wecom", http_server.url + "/cgi-bin/webhook/send?key=k")
    assert delivery_run() == {"sent": 1}
    [request] = http_server.requests
    assert request["path"] == "/cgi-bin/webhook/send?key=k"
    assert request["content_type"].startswith("application/json")
    assert request["json"] == {"msgtype": "text", "text": {
        "content": "首页\n退出登录\n/followups/", "mentioned_list": ["@all"]}}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 1, "")


def test_it_signs_the_dingtalk_robot_request(world, http_server):
    robot(world, "dingtalk", http_server.url + "/robot/send?access_token=t", secret="SECabc")
    assert delivery_run() == {"sent": 1}
    [request] = http_server.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(),
                                         hashlib.sha256).digest()).decode()
    assert query["access_token"] == ["t"] and sign == expected
    content = "首页\n退出登录\n/followups/"
    assert request["json"] == {"msgtype": "text", "text": {"content": content},
                               "at": {"isAtAll": True}}


def test_it_treats_a_robot_errcode_as_a_failure(world, http_server):
    http_server.answers.append((200, {"errcode": 310000, "errmsg": "keywords not in content"}))
    delivery = robot(world, "dingtalk", http_server.url + "/robot/send")
    assert delivery_run() == {"pending": 1}
    delivery.refresh_from_db()
    assert delivery.last_error == "errcode 310000: keywords not in content"


def test_it_posts_the_sms_gateway_format_with_id_numbers_masked(world, http_server):
    with override_settings(NOTIFICATION_SMS_GATEWAY_URL=http_server.url + "/sms"):
        external(world, "sms", "13900139000", subject=f"核对 {ID_NUMBER}")
        assert delivery_run() == {"sent": 1}
    assert http_server.requests[0]["json"] == {"phone": "13900139000",
                                               "text": "【哨点】核对 1101**********002X"}


def test_it_posts_the_generic_webhook_format(world, http_server):
    delivery = external(world, "webhook", http_server.url + "/hook", link="/absence/")
    delivery_run()
    key = f"shaodian-delivery-{delivery.pk}"
    assert http_server.requests[0]["json"] == {
        "kind": "cluster.report", "severity": "urgent", "subject": "首页", "body": "",
        "link": "/absence/", "school_id": world.schools["a"].pk, "drill": False, "delivery": key}
    assert http_server.requests[0]["key"] == key


def test_it_sends_a_delivery_again_after_a_dead_claim_with_the_same_key(world, http_server):
    delivery = external(world, "webhook", http_server.url + "/hook")
    then = timezone.now()
    delivery_run(now=then)
    # the run died after sending, before recording it: the row is still claimed
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=then,
                                                   claim_token="a" * 32)
    delivery_run(now=then + services.CLAIM_LEASE + timedelta(seconds=1))
    keys = [r["key"] for r in http_server.requests]
    assert keys == [f"shaodian-delivery-{delivery.pk}"] * 2  # the receiver can drop the repeat


def test_it_retries_with_backoff_and_gives_up_with_the_last_error(world, http_server):
    http_server.answers.extend([(500, {}), (503, {}), (502, {})])
    delivery = external(world, "webhook", http_server.url + "/down")
    now = timezone.now()
    with override_settings(NOTIFICATION_MAX_ATTEMPTS=3):
        assert delivery_run(now=now) == {"pending": 1}
        delivery.refresh_from_db()
        assert delivery.attempts == 1 and delivery.last_error == "HTTP 500"
        assert delivery.next_attempt_at >= now + backoff(1)
        # not due yet: the next run leaves it alone
        assert delivery_run(now=now + timedelta(seconds=10)) == {}
        assert delivery_run(now=delivery.next_attempt_at) == {"pending": 1}
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and delivery.next_attempt_at >= now + backoff(2)
        assert delivery_run(now=delivery.next_attempt_at) == {"failed": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 3, "HTTP 502")
    assert delivery_run(now=now + timedelta(days=1)) == {}
    assert len(http_server.requests) == 3


def test_it_backs_off_four_times_longer_each_time_up_to_a_cap():
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 120, 480]
    assert backoff(20) == services.BACKOFF_CAP


def test_it_records_a_network_error(world, settings):
    settings.NOTIFICATION_WEBHOOK_HOSTS = ["127.0.0.1"]
    external(world, "webhook", "http://127.0.0.1:9/closed")
    assert delivery_run() == {"pending": 1}
    assert Delivery.objects.get().last_error.startswith("network:")


def test_it_logs_one_console_line_without_id_numbers(world, caplog):
    with override_settings(NOTIFICATION_CONSOLE=True):
        notification_send(recipient_ids=[world.users["teacher_a1"].pk], kind="checkin.missing",
                          subject=f"张小明 {ID_NUMBER}", school_id=world.schools["a"].pk)
    with caplog.at_level(logging.INFO, logger="shaodian.notifications"):
        assert delivery_run() == {"sent": 1}
    lines = [r.getMessage() for r in caplog.records if r.name == "shaodian.notifications"]
    assert len(lines) == 1 and "checkin.missing" in lines[0] and "张小明" in lines[0]
    assert ID_NUMBER not in lines[0] and "1101**********002X" in lines[0]


def test_it_emails_the_user_in_their_language(world):
    user = world.users["teacher_a1"]
    user.email, user.language = "wang@example.cn", "en"
    user.save()
    notification_send(recipient_ids=[user.pk], kind="trigger.fired", subject=_("Home"),
                      severity="urgent", link="/followups/")
    with override_settings(SITE_URL="https://shaodian.example.cn"):
        assert delivery_run() == {"sent": 1}
    [message] = mail.outbox
    assert message.to == ["wang@example.cn"] and message.subject == "Home"
    assert "https://shaodian.example.cn/followups/" in message.body


@override_settings(TASKS=IMMEDIATE)
def test_it_runs_the_deliveries_as_soon_as_the_send_commits(world, http_server,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for n in range(3):  # three sends in one transaction queue one run
            notification_send_external(addresses=[Address("webhook", http_server.url + "/h")],
                                       kind="x", subject=_("Home"), dedupe_key=f"k{n}")
    assert len(callbacks) == 1
    assert len(http_server.requests) == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_it_keeps_the_channel_of_a_removed_robot_for_its_deliveries(world):
    delivery = robot(world, "webhook", "https://example.cn/hook")
    with pytest.raises(Channel.DoesNotExist):  # another school's office may not
        services.channel_remove(actor=world.users["school_b_admin"],
                                channel_id=delivery.source_id)
    services.channel_remove(actor=world.users["school_a_admin"], channel_id=delivery.source_id)
    assert not Channel.objects.get(pk=delivery.source_id).active
    delivery.refresh_from_db()
    assert delivery.source_id is not None


@pytest.mark.django_db(transaction=True)
def test_it_sends_each_delivery_once_with_two_workers_at_once(world, http_server):
    """Two real delivery runs in two threads (two database connections) on PostgreSQL."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent claims need a server database")
    notification_send_external(
        addresses=[Address("webhook", f"{http_server.url}/w{n}") for n in range(40)],
        kind="x", subject=_("Home"))
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            while True:
                done = delivery_run(limit=5)
                outcomes.append(done)
                if not done:
                    break
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    paths = [r["path"] for r in http_server.requests]
    assert len(paths) == 40 and len(set(paths)) == 40
    assert sum(o["sent"] for o in outcomes) == 40
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
