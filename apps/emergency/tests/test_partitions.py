"""Trace hits partitioned by month of their alert's opening day on PostgreSQL
(apps.core.partitions): a retried trace-back adds no hit twice (the unique key holds the
day), the hits land in the alert's month, and every read of them, the trigger's own and the
school's trace list, reads that month's partition only."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core import partitions
from apps.emergency import selectors, tracelist
from apps.emergency.models import Alert, SchoolTrigger, TraceHit
from apps.emergency.tests.test_triggers import JIANXI, PUDONG, fire, leg
from apps.emergency.triggers import _trace_hits
from apps.health.tests.test_partitions import home, scanned

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_postgresql")]
HITS = "emergency_tracehit"


def test_trace_hits_are_partitioned_by_their_alerts_day():
    assert partitions.partitioned_tables()[HITS] == "alert_on"


def test_a_retried_trace_back_adds_no_hit_twice_and_fills_the_alerts_month(henan):
    a1 = henan.persons["a1_student"]
    leg(a1, PUDONG, 5)
    report, result = fire(henan)
    alert = Alert.objects.get(pk=result.alert_id)
    hits = TraceHit.objects.filter(alert=alert, alert_on=alert.opened_on)
    assert hits.count() == result.hits > 0
    assert {home(hit) for hit in hits} == {
        partitions.partition_name(HITS, partitions.month_start(alert.opened_on))}
    assert _trace_hits(alert, report.region, timezone.localdate() - timedelta(days=14)) == 0
    assert TraceHit.objects.filter(alert=alert).count() == result.hits


def hit_statements(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [q["sql"] for q in captured.captured_queries if HITS in q["sql"]]


def test_the_trigger_and_the_trace_lists_read_only_the_alerts_month(henan):
    """Months of hits on either side exist; every statement reading hits reads one."""
    today = timezone.localdate()
    first = partitions.month_start(today)
    partitions.partitions_extend(HITS, "alert_on", partitions.months_between(
        first - timedelta(days=365), first))
    a1 = henan.persons["a1_student"]
    leg(a1, PUDONG, 5)
    leg(a1, JIANXI, 3)
    allowed = {partitions.partition_name(HITS, first)}
    statements = hit_statements(lambda: fire(henan))
    _report, result = fire(henan, JIANXI)  # a second alert, the same month
    trigger = (SchoolTrigger.objects.select_related("school", "alert", "alert__region")
               .get(alert_id=result.alert_id, school_id=a1.school_id))
    user = henan.users["school_a_admin"]
    statements += hit_statements(lambda: selectors.trace_list(user=user, trigger=trigger))
    statements += hit_statements(lambda: tracelist.trace_rows(user=user, trigger=trigger))
    reading = 0
    for sql in statements:
        read = {t for t in scanned(sql) if t.startswith(HITS + "_p")}
        assert read <= allowed, (read, sql)
        reading += bool(read)
    assert reading >= 5  # followups, traced counts, notifications, the two lists
