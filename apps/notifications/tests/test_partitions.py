"""Notifications partitioned by month on PostgreSQL (apps.core.partitions): their dedupe keys
live in a plain table and still make a retried send one row across months, retention drops
their old months with their deliveries and keys, and the inbox, the unread badge and the
delivery loop's claim read only what they need (EXPLAIN)."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from apps.core import partitions
from apps.health.tests.test_partitions import scanned, settled
from apps.notifications import selectors, services
from apps.notifications.models import Delivery, Notification, NotificationKey, kept_since

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_postgresql")]

NOTES, DELIVERIES = "notifications_notification", "notifications_delivery"


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _statements(table: str, call) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return [q["sql"] for q in captured.captured_queries
            if table in q["sql"] and q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]


def test_notifications_are_partitioned_and_deliveries_and_keys_are_not():
    found = partitions.partitioned_tables()
    assert found[NOTES] == "created_at"
    assert DELIVERIES not in found and "notifications_notificationkey" not in found
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE confrelid = %s::regclass",
                       [NOTES])
        assert cursor.fetchone()[0] == 0  # nothing points into it


def test_a_key_is_one_row_across_months(world):
    """A sweep run again a month later, by either path, adds nothing."""
    user = world.users["teacher_a1"]
    months = partitions.months_between(date(2032, 1, 1), date(2032, 3, 1))
    partitions.partitions_extend(NOTES, "created_at", months)
    for day in (date(2032, 1, 20), date(2032, 3, 3)):
        with time_machine.travel(_at(day)):
            services.notification_send(recipient_ids=[user.pk], kind="test.key",
                                       subject="一次", dedupe_key="sweep:1")
            services.notification_send_each(
                messages=[services.Personal(recipient_id=user.pk, subject="一次")],
                kind="test.each", dedupe_key="each:1")
            services.notification_send_external(
                addresses=[services.Address("sms", "13800138000")], kind="test.out",
                subject="外部", dedupe_key="out:1")
    rows = Notification.objects.filter(dedupe_key__in=["sweep:1", "each:1", "out:1"])
    assert rows.count() == 3
    assert {r.created_at.month for r in rows} == {1}
    assert NotificationKey.objects.filter(dedupe_key__in=["sweep:1", "each:1", "out:1"]) \
        .count() == 3
    assert Delivery.objects.filter(notification__dedupe_key="out:1").count() == 1


def test_retention_drops_old_months_with_their_deliveries_and_keys(world, settings):
    """Kept 90 days: on 10 June 2031 the cutoff is 12 March; January and February go whole,
    March's rows before the cutoff by DELETE."""
    from apps.operations.retention import retention_purge

    settings.NOTIFICATION_RETENTION_DAYS = 90
    partitions.partitions_extend(NOTES, "created_at", partitions.months_between(
        date(2031, 1, 1), date(2031, 6, 1)))
    for day in (date(2031, 1, 15), date(2031, 2, 20), date(2031, 3, 5), date(2031, 3, 20)):
        with time_machine.travel(_at(day)):
            services.notification_send_external(
                addresses=[services.Address("sms", "13800138000")], kind="test.old",
                subject="旧", dedupe_key=f"old:{day}")
    settled()
    assert retention_purge(today=date(2031, 6, 10))["notifications"] == 3
    kept = [p.name for p in partitions.month_partitions(NOTES)]
    assert f"{NOTES}_p203101" not in kept and f"{NOTES}_p203102" not in kept
    assert f"{NOTES}_p203103" in kept
    left = ["old:2031-03-20"]
    assert list(Notification.objects.filter(kind="test.old").values_list(
        "dedupe_key", flat=True)) == left
    assert list(NotificationKey.objects.filter(dedupe_key__startswith="old:").values_list(
        "dedupe_key", flat=True)) == left
    assert list(Delivery.objects.filter(notification__kind="test.old").values_list(
        "notification__dedupe_key", flat=True)) == left
    assert Delivery.objects.count() == 1  # no delivery left without its notification


def test_the_inbox_the_badge_and_the_claim_read_only_what_they_need(world):
    """The inbox and the unread count name the keeping window: no month before it is read.
    The delivery loop finds due rows by its (status, next_attempt_at) index and reads the
    claimed rows' notifications in their months only."""
    user = world.users["teacher_a1"]
    user.email = "t@example.org"
    user.save(update_fields=["email"])
    today = timezone.localdate()
    first = partitions.month_start(today)
    partitions.partitions_extend(NOTES, "created_at", partitions.months_between(
        first - timedelta(days=400), first))
    partitions.partitions_ahead(NOTES, "created_at", today=today)
    services.notification_send(recipient_ids=[user.pk], kind="test.now", subject="现在",
                               severity="warning")
    since = timezone.localdate(kept_since())
    too_old = {p.name for p in partitions.month_partitions(NOTES) if p.upper <= since}
    assert len(too_old) >= 6
    calls = {
        "inbox": lambda: list(selectors.inbox(user=user)),
        "unread count": lambda: selectors.unread_count(user=user),
    }
    for name, call in calls.items():
        statements = _statements(NOTES, call)
        assert statements, name
        for sql in statements:
            read = {t for t in scanned(sql) if t.startswith(NOTES + "_p")}
            assert read and not read & too_old, (name, read)

    due = services.deliveries_due_ids(now=timezone.now() + timedelta(seconds=1), limit=100)
    assert len(due) == 1
    [sql] = _statements(DELIVERIES, lambda: services.deliveries_due_ids(
        now=timezone.now(), limit=100))
    with connection.cursor() as cursor:  # a table of one row: the index, if usable
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND "
                       "indexdef LIKE '%%(status, next_attempt_at)'", [DELIVERIES])
        [claim_index] = [row[0] for row in cursor.fetchall()]
    assert claim_index in plan and "Seq Scan" not in plan, plan
    reads = _statements(NOTES, lambda: services.deliveries_claim(
        ids=due, now=timezone.now() + timedelta(seconds=1), token="t" * 32))
    assert reads
    for sql in reads:
        read = {t for t in scanned(sql) if t.startswith(NOTES + "_p")}
        assert read == {partitions.partition_name(NOTES, first)}, read


def test_the_deliveries_page_reads_notifications_of_the_kept_months_by_their_time(world):
    """A delivery keeps its notification's time: the page names the keeping period, so the
    plan reads only the kept months, and joins by that time too, so that where PostgreSQL
    probes notifications once per delivery (a large table, newest first) it prunes each
    probe to one month at run time (tiny test tables are joined otherwise)."""
    today = timezone.localdate()
    first = partitions.month_start(today)
    partitions.partitions_extend(NOTES, "created_at", partitions.months_between(
        first - timedelta(days=400), first))
    partitions.partitions_ahead(NOTES, "created_at", today=today)
    services.notification_send_external(
        addresses=[services.Address("sms", "13800138000")], kind="test.page", subject="页",
        school_id=world.schools["a"].pk)
    since = timezone.localdate(kept_since())
    too_old = {p.name for p in partitions.month_partitions(NOTES) if p.upper <= since}
    for persona in ("province", "school_a_admin"):
        rows = selectors.deliveries(user=world.users[persona])
        assert [d.notification.kind for d in rows] == ["test.page"]
        [sql] = _statements(NOTES, lambda rows=rows: list(rows.all()[:50]))
        planned = {t for t in scanned(sql) if t.startswith(NOTES + "_p")}
        assert planned and not planned & too_old, planned
        assert ("notifications_notification.created_at = "
                "(notifications_delivery.notification_created_at)") in sql.replace('"', "")
