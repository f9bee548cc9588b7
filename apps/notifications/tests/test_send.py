"""notification_send and notification_send_external: inbox rows, deliveries, idempotence."""

import pytest
from django.test import override_settings
from django.utils.translation import gettext_lazy as _

from apps.core.errors import ValidationFailed
from apps.notifications.models import Channel, ChannelKind, Delivery, Notification
from apps.notifications.services import (
    Address,
    channel_add,
    hospital_addresses,
    notification_send,
    notification_send_external,
)

pytestmark = pytest.mark.django_db


def send(world, users, **kwargs):
    defaults = {"kind": "checkin.missing", "subject": _("Information"),
                "school_id": world.schools["a"].pk}
    return notification_send(recipient_ids=[world.users[u].pk for u in users],
                             **{**defaults, **kwargs})


def test_it_writes_the_subject_in_both_languages(world):
    assert send(world, ["teacher_a1"], subject=_("Home")) == 1
    row = Notification.objects.get()
    assert (row.subject_zh, row.subject_en) == ("首页", "Home")


def test_it_sends_a_message_once_per_dedupe_key(world):
    assert send(world, ["teacher_a1", "teacher_a2"], dedupe_key="k1") == 2
    assert send(world, ["teacher_a1", "teacher_a2", "reporter_a"], dedupe_key="k1") == 1
    assert Notification.objects.filter(dedupe_key="k1").count() == 3
    assert send(world, ["teacher_a1"]) == 1  # without a key every send is new


def test_it_creates_no_second_delivery_for_a_deduplicated_send(world):
    user = world.users["teacher_a1"]
    user.email = "wang@example.cn"
    user.save()
    send(world, ["teacher_a1"], severity="warning", dedupe_key="k2")
    send(world, ["teacher_a1"], severity="warning", dedupe_key="k2")
    assert list(Delivery.objects.values_list("channel", "address")) == [
        ("email", "wang@example.cn")]


def test_it_uses_the_account_email_only_from_warnings_up(world):
    user = world.users["teacher_a1"]
    user.email = "wang@example.cn"
    user.save()
    send(world, ["teacher_a1"], severity="info")
    assert not Delivery.objects.exists()
    send(world, ["teacher_a1"], severity="urgent")
    assert Delivery.objects.get().channel == "email"


def test_it_delivers_to_a_users_own_channels_by_kind_and_severity(world):
    user = world.users["teacher_a1"]
    channel_add(actor=user, kind="sms", address="+86 139-0013-9000", kinds=["cluster."],
                min_severity="info")
    send(world, ["teacher_a1"], kind="checkin.missing", severity="urgent")
    assert not Delivery.objects.exists()
    send(world, ["teacher_a1"], kind="cluster.alert", severity="info")
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.address) == ("sms", "13900139000")


def test_it_sends_one_copy_to_a_school_robot_however_many_recipients(world):
    admin = world.users["school_a_admin"]
    robot = channel_add(actor=admin, school_id=world.schools["a"].pk, kind="wecom",
                        address="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
                        min_severity="urgent")
    send(world, ["teacher_a1", "teacher_a2", "reporter_a"], severity="urgent",
         dedupe_key="trigger:1")
    send(world, ["teacher_a1"], severity="urgent", dedupe_key="trigger:1")  # retried task
    send(world, ["teacher_a1"], severity="warning", dedupe_key="w:1")  # below its severity
    delivery = Delivery.objects.get()
    assert delivery.source == robot and delivery.notification.recipient is None
    # the robot's copy never shows in an inbox
    assert Notification.objects.filter(recipient__isnull=True).count() == 1


def test_it_sends_nothing_outside_in_a_drill(world):
    channel_add(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk,
                kind="webhook", address="https://example.cn/hook", min_severity="info")
    channel_add(actor=world.users["teacher_a1"], kind="sms", address="13900139000",
                min_severity="info")
    assert send(world, ["teacher_a1"], severity="urgent", drill=True) == 1
    assert Notification.objects.get().drill
    assert not Delivery.objects.exists()
    assert notification_send_external(addresses=[Address("sms", "13900139000")], kind="x",
                                      subject=_("Urgent"), drill=True) == 0
    assert not Delivery.objects.exists()


@override_settings(NOTIFICATION_CONSOLE=True)
def test_it_adds_a_console_delivery_per_recipient_in_the_demo(world):
    send(world, ["teacher_a1", "teacher_a2"])
    assert sorted(Delivery.objects.values_list("address", flat=True)) == sorted(
        f"user:{world.users[u].pk}" for u in ("teacher_a1", "teacher_a2"))


def test_it_reaches_outside_contacts_once_per_key_and_address(world):
    addresses = [Address("sms", "0371-6655 1234"), Address("email", "cdc@example.cn", "en")]
    sent = notification_send_external(addresses=addresses, kind="cluster.report",
                                      subject=_("Urgent"), school_id=world.schools["a"].pk,
                                      severity="urgent", dedupe_key="cluster:9")
    assert sent == 2
    again = notification_send_external(
        addresses=[*addresses, Address("sms", "13900139000")], kind="cluster.report",
        subject=_("Urgent"), school_id=world.schools["a"].pk, dedupe_key="cluster:9")
    assert again == 1
    assert sorted(Delivery.objects.values_list("address", "language")) == [
        ("037166551234", "zh-hans"), ("13900139000", "zh-hans"), ("cdc@example.cn", "en")]
    assert not Notification.objects.filter(recipient__isnull=False).exists()


def test_it_names_the_bad_outside_address(world):
    with pytest.raises(ValidationFailed) as caught:
        notification_send_external(addresses=[Address("sms", "13900139000"),
                                              Address("email", "not-an-address")],
                                   kind="x", subject=_("Urgent"))
    assert [(e.field, e.reason) for e in caught.value.errors] == [
        ("addresses.1.address", "invalid")]
    assert not Delivery.objects.exists() and not Notification.objects.exists()


def test_it_lists_the_designated_hospital_as_sms_addresses(world):
    from apps.orgs.models import HospitalContact

    world.hospital.phone = "0371-6655 1234"
    world.hospital.save()
    HospitalContact.objects.create(hospital=world.hospital, name="刘医生", role="感染科",
                                   phone="13700137000")
    assert hospital_addresses(school_id=world.schools["a"].pk) == [
        Address("sms", "037166551234"), Address("sms", "13700137000")]
    assert hospital_addresses(school_id=world.schools["b"].pk) == []


def test_it_refuses_channels_of_a_school_the_user_does_not_run(world):
    with pytest.raises(ValidationFailed) as caught:
        channel_add(actor=world.users["school_b_admin"], school_id=world.schools["a"].pk,
                    kind="dingtalk", address="https://oapi.dingtalk.com/robot/send?x=1")
    assert caught.value.errors[0].field == "school"
    with pytest.raises(ValidationFailed) as caught:
        channel_add(actor=world.users["teacher_a1"], kind="wecom", address="ftp://x")
    assert (caught.value.errors[0].field, caught.value.errors[0].reason) == ("address",
                                                                             "invalid")
    assert not Channel.objects.exists()


def test_it_keeps_a_robot_secret_encrypted(world):
    channel = channel_add(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk,
                          kind=ChannelKind.DINGTALK, secret="SEC123",
                          address="https://oapi.dingtalk.com/robot/send?access_token=t")
    stored = bytes(Channel.objects.get(pk=channel.pk).secret_cipher)
    assert b"SEC123" not in stored

    from apps.notifications.services import channel_secret
    assert channel_secret(channel) == "SEC123"


def test_it_sends_each_recipient_their_own_message_once(world):
    from apps.notifications.services import Personal, notification_send_each

    teacher, reporter = world.users["teacher_a1"], world.users["reporter_a"]
    reporter.email = "reporter@example.cn"
    reporter.save()
    messages = [Personal(teacher.pk, _("Home"), school_id=world.schools["a"].pk),
                Personal(reporter.pk, _("Log out"), link="/absence/")]
    assert notification_send_each(messages=messages, kind="followup.x", severity="warning",
                                  dedupe_key="batch-1") == 2
    assert notification_send_each(messages=messages, kind="followup.x", severity="warning",
                                  dedupe_key="batch-1") == 0
    rows = {n.recipient_id: n for n in Notification.objects.all()}
    assert (rows[teacher.pk].subject_zh, rows[teacher.pk].school_id) == (
        "首页", world.schools["a"].pk)
    assert (rows[reporter.pk].subject_en, rows[reporter.pk].link) == ("Log out", "/absence/")
    assert list(Delivery.objects.values_list("address", flat=True)) == ["reporter@example.cn"]
    assert notification_send_each(messages=[Personal(teacher.pk, _("Home"))], kind="x",
                                  drill=True) == 1
    assert Delivery.objects.count() == 1


def test_it_posts_only_to_listed_hosts_when_the_deployment_lists_them(world):
    from apps.notifications import channels

    hosts = ["qyapi.weixin.qq.com", ".dingtalk.com"]
    with override_settings(NOTIFICATION_WEBHOOK_HOSTS=hosts):
        assert channels.host_allowed("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
        assert channels.host_allowed("https://oapi.dingtalk.com/robot/send")
        assert not channels.host_allowed("http://169.254.169.254/latest/meta-data")
        assert not channels.host_allowed("https://evil-dingtalk.com/")
        with pytest.raises(ValidationFailed) as caught:
            channel_add(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk,
                        kind="webhook", address="http://10.0.0.5/admin")
        assert caught.value.errors[0].reason == "host_not_allowed"
        with pytest.raises(channels.DeliveryError):
            channels.post_json("http://10.0.0.5/admin", {})
    assert not channels.host_allowed("file:///etc/passwd")


INSIDE = ["http://127.0.0.1:8000/api/v1/", "http://10.0.0.5/admin", "http://192.168.1.1/",
          "http://172.16.0.9/", "http://169.254.169.254/latest/meta-data", "http://[::1]/",
          "http://[fd00::1]/", "http://0.0.0.0/", "http://localhost:5432/",
          "http://db.internal/", "http://100.64.0.1/"]


@pytest.mark.parametrize("url", INSIDE)
def test_it_refuses_an_internal_host_when_the_deployment_lists_none(world, url, settings):
    from apps.notifications import channels

    settings.NOTIFICATION_WEBHOOK_HOSTS = []
    assert not channels.host_allowed(url)
    with pytest.raises(ValidationFailed) as caught:
        channel_add(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk,
                    kind="webhook", address=url)
    assert caught.value.errors[0].reason == "host_not_allowed"
    with pytest.raises(channels.DeliveryError, match="host not allowed"):
        channels.post_json(url, {})


def test_it_refuses_a_name_that_resolves_inside_and_never_follows_a_redirect(
        settings, monkeypatch, http_server):
    from apps.notifications import channels

    settings.NOTIFICATION_WEBHOOK_HOSTS = []
    assert channels.host_allowed("https://qyapi.weixin.qq.com/cgi-bin/webhook/send")
    monkeypatch.setattr(channels.socket, "getaddrinfo", lambda *a, **k: [
        (2, 1, 6, "", ("93.184.215.14", 443)), (2, 1, 6, "", ("10.1.2.3", 443))])
    assert not channels.host_allowed("https://rebind.example.com/", resolve=True)
    monkeypatch.undo()
    # a listed host that answers with a redirect inside gets no second request
    settings.NOTIFICATION_WEBHOOK_HOSTS = ["127.0.0.1"]
    http_server.answers.append((302, {}))
    with pytest.raises(channels.DeliveryError, match="HTTP 302"):
        channels.post_json(http_server.url + "/robot", {"x": 1})
    assert [r["path"] for r in http_server.requests] == ["/robot"]


def test_it_finds_the_accounts_to_tell_about_a_person(world, django_assert_num_queries):
    from apps.notifications.selectors import users_of_persons

    a1, a2 = world.persons["a1_student"], world.persons["a2_student"]
    with django_assert_num_queries(2):
        found = users_of_persons(person_ids=[a1.pk, a2.pk, world.persons["a_staff"].pk])
    assert found == {a1.pk: [world.users["student_a1"].pk, world.users["guardian_a1"].pk],
                     world.persons["a_staff"].pk: [world.users["teacher_a1"].pk]}
    assert users_of_persons(person_ids=[a1.pk], guardians=False) == {
        a1.pk: [world.users["student_a1"].pk]}
