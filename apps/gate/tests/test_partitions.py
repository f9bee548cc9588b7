"""Gate checks partitioned by month of their day on PostgreSQL (apps.core.partitions): the
table is partitioned, a check lands in its day's month, the client id is unique per day in
every partition, retention drops whole old months, and the pages' and the kiosk's reads on
gate checks read only the partitions of their days (EXPLAIN)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from apps.core import partitions
from apps.gate import selectors, services
from apps.gate.models import GateCheck
from apps.health.tests.test_partitions import assert_reads_only, home, months_of, settled

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_postgresql")]

CHECKS = "gate_gatecheck"


def check(person, at: datetime, verdict="stop", **more) -> GateCheck:
    return GateCheck.objects.create(school_id=person.school_id, person=person, at=at,
                                    direction="in", verdict=verdict, reason="fever",
                                    client_id=more.pop("client_id", f"{person.pk}-{at}"),
                                    **more)


def local(day: date, hour: int = 7) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_gate_checks_are_partitioned_by_month_of_their_day():
    assert partitions.partitioned_tables()[CHECKS] == "day"


def test_a_check_lands_in_the_month_of_its_local_day(world):
    person = world.persons["a1_student"]
    partitions.partitions_extend(CHECKS, "day", [date(2034, 2, 1), date(2034, 3, 1)])
    # 1 March 00:30 in Beijing is still February in UTC: the local day decides.
    row = check(person, timezone.make_aware(datetime(2034, 3, 1, 0, 30)))
    assert row.day == date(2034, 3, 1) and home(row) == f"{CHECKS}_p203403"


def test_the_scan_insert_is_idempotent_per_school_client_id_and_day(world):
    person = world.persons["a1_student"]
    today = timezone.localdate()
    partitions.partitions_ahead(CHECKS, "day", today=today)
    row = {"school_id": person.school_id, "person_id": person.pk, "gate_id": None,
           "officer_id": None, "at": local(today), "day": today, "temperature": None,
           "direction": "in", "verdict": "pass", "reason": "ok", "reasons": ["ok"],
           "category": "", "client_id": "kiosk-1", "recorded_offline": False,
           "received_at": timezone.now()}
    first = services.insert_checks([row])
    assert services.insert_checks([dict(row, at=local(today, 8))]) == {}
    assert GateCheck.objects.filter(client_id="kiosk-1").count() == 1
    assert home(GateCheck.objects.get(pk=first["kiosk-1"])) == partitions.partition_name(
        CHECKS, partitions.month_start(today))


def test_retention_drops_whole_old_months_of_gate_checks(world):
    """Routine keeps gate checks 30 days: on 10 June 2031 the cutoff is 11 May. April goes
    whole; May's rows before the cutoff are DELETEd, the rest stay."""
    from apps.operations.retention import retention_purge

    person = world.persons["a1_student"]
    partitions.partitions_extend(CHECKS, "day", partitions.months_between(
        date(2031, 4, 1), date(2031, 6, 1)))
    for day in (date(2031, 4, 20), date(2031, 5, 5), date(2031, 5, 20)):
        check(person, local(day))
    settled()
    assert retention_purge(today=date(2031, 6, 10))["gate_checks"] == 2
    assert list(GateCheck.objects.filter(person=person).values_list("day", flat=True)) == [
        date(2031, 5, 20)]
    kept = months_of(CHECKS)
    assert f"{CHECKS}_p203104" not in kept and f"{CHECKS}_p203105" in kept


# Pruning: every read of gate checks names its days.


def test_the_pages_and_the_kiosk_read_only_the_partitions_of_their_days(world):
    today = timezone.localdate()
    first = partitions.month_start(today)
    partitions.partitions_extend(CHECKS, "day", partitions.months_between(
        first - timedelta(days=200), first))
    partitions.partitions_ahead(CHECKS, "day", today=today)
    person, school = world.persons["a1_student"], world.schools["a"]
    stopped = check(person, timezone.now(), client_id="stopped")
    admin, bureau = world.users["school_a_admin"], world.users["jinshui_bureau"]
    week = today - timedelta(days=6)
    # Today's month, the one before (a week, the override days) and after (tomorrow).
    allowed = {partitions.partition_name(CHECKS, m) for m in (
        partitions.month_start(first - timedelta(days=1)), first,
        partitions.next_month(first))}
    calls = {
        "a school's checks of a day": lambda: list(selectors.checks_of_day(
            user=admin, day=today, school_id=school.pk)),
        "the bureau's checks of a day": lambda: selectors.checks_of_day(
            user=bureau, day=today).count(),
        "stops by reason": lambda: selectors.stops_by_reason(
            user=bureau, day_from=week, day_to=today),
        "overrides": lambda: list(selectors.overrides(user=bureau, day_from=week,
                                                      day_to=today)),
        "the override form": lambda: selectors.check_for_override(user=admin,
                                                                  check_id=stopped.pk),
        "the kiosk's retried scan": lambda: services._stored_outcome(
            school.pk, "stopped", today),
        "a retry past midnight": lambda: services._retried_across_midnight(
            school.pk, "stopped", local(today, 0) + timedelta(seconds=30)),
    }
    assert_reads_only(CHECKS, calls, allowed)
