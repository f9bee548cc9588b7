"""Status changes partitioned by month of `changed_at` on PostgreSQL (apps.core.partitions):
the table is partitioned, retention drops their whole old months, and a person's history
reads only the months of its window (status.selectors.HISTORY_DAYS)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core import partitions
from apps.health.tests.test_partitions import months_of, scanned, settled
from apps.policy.selectors import packs_all
from apps.status import selectors
from apps.status.models import PersonStatusChange

pytestmark = pytest.mark.django_db
CHANGES = "status_personstatuschange"


def change(person, at: datetime) -> PersonStatusChange:
    return PersonStatusChange.objects.create(school_id=person.school_id, person=person,
                                             category="normal", pack="routine",
                                             pack_version="x", changed_at=at)


def test_the_history_window_is_longer_than_any_pack_keeps_the_changes():
    """Nothing kept is hidden by the window the history reads (runs on SQLite too)."""
    kept = [pack.values().get("retention_status_history_days") for pack in packs_all()]
    assert all(days is not None and days <= selectors.HISTORY_DAYS for days in kept), kept


@pytest.mark.usefixtures("on_postgresql")
def test_status_changes_are_partitioned_by_month_of_their_time():
    assert partitions.partitioned_tables()[CHANGES] == "changed_at"


@pytest.mark.usefixtures("on_postgresql")
def test_retention_drops_whole_old_months_of_changes(world):
    """Routine keeps status changes 180 days: on 10 December 2031 the cutoff is 13 June.
    April and May go whole, June's rows before the cutoff are DELETEd, the rest stay."""
    from apps.operations.retention import retention_purge

    person = world.persons["a1_student"]
    partitions.partitions_extend(CHANGES, "changed_at", partitions.months_between(
        date(2031, 4, 1), date(2031, 12, 1)))
    for day in (date(2031, 4, 5), date(2031, 5, 31), date(2031, 6, 2), date(2031, 6, 20)):
        change(person, timezone.make_aware(datetime.combine(day, time(8))))
    settled()
    assert retention_purge(today=date(2031, 12, 10))["status_changes"] == 3
    assert list(PersonStatusChange.objects.filter(person=person).values_list(
        "changed_at__date", flat=True)) == [date(2031, 6, 20)]
    kept = months_of(CHANGES)
    assert f"{CHANGES}_p203104" not in kept and f"{CHANGES}_p203105" not in kept
    assert f"{CHANGES}_p203106" in kept


def change_statements(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [q["sql"] for q in captured.captured_queries
            if CHANGES in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT")]


@pytest.mark.usefixtures("on_postgresql")
def test_a_persons_history_reads_only_the_months_of_its_window(world):
    from apps.isolation.models import Isolation
    from apps.isolation.services import _link_status

    today = timezone.localdate()
    first = partitions.month_start(today)
    partitions.partitions_extend(CHANGES, "changed_at", partitions.months_between(
        first - timedelta(days=3 * 365), first))
    person, user = world.persons["a1_student"], world.users["school_a_admin"]
    change(person, timezone.now())
    oldest = partitions.month_start(timezone.localdate(selectors.history_since()))
    too_old = {p.name for p in partitions.month_partitions(CHANGES) if p.month < oldest}
    assert len(too_old) > 12
    isolation = Isolation(school_id=person.school_id, person_id=person.pk)
    calls = {
        "history": lambda: list(selectors.status_history(user=user, person=person)),
        "panel": lambda: selectors.status_panel(user=user, person=person),
        "isolation's change": lambda: _link_status(isolation),
    }
    for name, call in calls.items():
        statements = change_statements(call)
        assert statements, name
        for sql in statements:
            read = {t for t in scanned(sql) if t.startswith(CHANGES + "_p")}
            assert partitions.partition_name(CHANGES, first) in read, (name, sql)
            assert not read & too_old, (name, read & too_old)
