"""Check-ins and their revisions partitioned by month on PostgreSQL (apps.core.partitions):
the tables are partitioned, the periodic task makes months ahead once, rows waiting in the
DEFAULT partition move into their month, retention drops whole old months and keeps the
newer, and the pages' queries on check-ins read only the partitions of their days."""

import json
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core import partitions
from apps.health import selectors
from apps.health.models import CheckIn, CheckInRevision
from apps.health.tests.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_postgresql")]

CHECKINS, REVISIONS = "health_checkin", "health_checkinrevision"


def put(person, day: date, slot="morning", **more) -> CheckIn:
    return CheckIn.objects.create(school_id=person.school_id, person=person, day=day, slot=slot,
                                  submitted_as="self", client_id=f"{person.pk}-{day}-{slot}",
                                  **more)


def home(row) -> str:
    """The partition holding a row."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {row._meta.db_table} "  # noqa: S608
                       "WHERE id = %s", [row.pk])
        return cursor.fetchone()[0]


def months_of(table: str) -> list[str]:
    return [p.name for p in partitions.month_partitions(table)]


def test_checkins_and_revisions_are_partitioned_by_month():
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, p.partstrat FROM pg_partitioned_table p "
                       "JOIN pg_class c ON c.oid = p.partrelid WHERE c.relname IN (%s, %s)",
                       [CHECKINS, REVISIONS])
        assert dict(cursor.fetchall()) == {CHECKINS: "r", REVISIONS: "r"}
    found = partitions.partitioned_tables()
    assert found[CHECKINS] == "day" and found[REVISIONS] == "replaced_at"


def test_the_task_makes_the_months_ahead_once(world):
    made = partitions.partitions_maintain(today=date(2031, 11, 20))
    for table in (CHECKINS, REVISIONS):
        assert [f"{table}_p{m}" for m in ("203111", "203112", "203201", "203202")] == [
            name for name in made if name.startswith(f"{table}_p")]
    assert partitions.partitions_maintain(today=date(2031, 11, 20)) == []


def test_a_row_of_any_date_has_a_home_and_moves_into_its_month_when_made(world):
    person = world.persons["a1_student"]
    row = put(person, date(2033, 5, 2))
    other = put(person, date(2033, 6, 2))
    assert home(row) == f"{CHECKINS}_pdefault"
    assert partitions.partitions_extend(CHECKINS, "day", [date(2033, 5, 1)]) == [
        f"{CHECKINS}_p203305"]
    assert home(row) == f"{CHECKINS}_p203305" and home(other) == f"{CHECKINS}_pdefault"
    assert CheckIn.objects.filter(day__year=2033).count() == 2  # nothing lost, nothing twice
    assert put(person, date(2033, 5, 3)).pk > other.pk  # ids still come from one sequence


def test_a_revision_lands_in_the_month_it_was_made(world):
    person = world.persons["a1_student"]
    partitions.partitions_extend(REVISIONS, "replaced_at", [date(2034, 2, 1)])
    checkin = put(person, date(2034, 2, 28))
    made = timezone.make_aware(datetime(2034, 2, 28, 23, 30))  # Beijing: still February
    revision = CheckInRevision.objects.create(school_id=person.school_id, checkin=checkin,
                                              person=person, client_id="old", values={},
                                              replaced_at=made)
    assert home(revision) == f"{REVISIONS}_p203402"


def settled():
    """The rows written so far checked (their foreign keys are deferred): a DETACH refuses a
    table with checks pending in the transaction, which only a test's transaction has."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_retention_drops_whole_old_months_and_keeps_the_newer(world):
    """Routine keeps check-ins 90 days: on 10 June 2031 the cutoff is 12 March. January and
    February go whole; March's rows before the cutoff are DELETEd, the rest stay."""
    from apps.operations.retention import retention_purge

    person = world.persons["a1_student"]
    partitions.partitions_extend(CHECKINS, "day", partitions.months_between(
        date(2031, 1, 1), date(2031, 6, 1)))
    partitions.partitions_extend(REVISIONS, "replaced_at", [date(2031, 1, 1)])
    january = put(person, date(2031, 1, 15))
    CheckInRevision.objects.create(
        school_id=person.school_id, checkin=january, person=person, client_id="r1", values={},
        replaced_at=timezone.make_aware(datetime.combine(january.day, time(7))))
    for day in (date(2031, 2, 20), date(2031, 3, 5), date(2031, 3, 20), date(2031, 5, 1)):
        put(person, day)

    settled()
    counts = retention_purge(today=date(2031, 6, 10))

    assert counts["checkins"] == 3
    assert set(CheckIn.objects.filter(person=person).values_list("day", flat=True)) == {
        date(2031, 3, 20), date(2031, 5, 1)}
    kept = months_of(CHECKINS)
    assert f"{CHECKINS}_p203101" not in kept and f"{CHECKINS}_p203102" not in kept
    assert {f"{CHECKINS}_p2031{m:02d}" for m in range(3, 7)} <= set(kept)
    assert f"{REVISIONS}_p203101" not in months_of(REVISIONS)
    assert not CheckInRevision.objects.filter(person=person).exists()


def test_no_month_is_dropped_while_a_school_keeps_checkins_for_ever(world, monkeypatch):
    from apps.operations import retention

    person = world.persons["a1_student"]
    partitions.partitions_extend(CHECKINS, "day", [date(2031, 1, 1)])
    put(person, date(2031, 1, 15))
    real = retention._schools_by_days

    def one_school_forgets():
        groups = real()
        for school_ids in groups["retention_checkins_days"].values():
            if world.schools["b"].pk in school_ids:
                school_ids.remove(world.schools["b"].pk)
        return groups

    monkeypatch.setattr(retention, "_schools_by_days", one_school_forgets)
    settled()
    assert retention.retention_purge(today=date(2031, 6, 10))["checkins"] == 1  # a DELETE
    assert f"{CHECKINS}_p203101" in months_of(CHECKINS)


def test_a_month_detached_by_a_run_that_stopped_is_dropped_by_the_next(world):
    """The detach and the drop are two transactions: a run that stopped between them left a
    month out of the stream but on disk. The next run drops it and counts its rows; a
    detached month newer than the cutoff stays."""
    person = world.persons["a1_student"]
    partitions.partitions_extend(CHECKINS, "day", [date(2031, 1, 1), date(2031, 2, 1)])
    put(person, date(2031, 1, 15))
    put(person, date(2031, 1, 16))
    settled()
    with connection.cursor() as cursor:
        for month in ("203101", "203102"):
            cursor.execute(f"ALTER TABLE {CHECKINS} DETACH PARTITION {CHECKINS}_p{month}")
    assert [p.name for p in partitions.detached_months(CHECKINS)] == [
        f"{CHECKINS}_p203101", f"{CHECKINS}_p203102"]

    dropped, rows = partitions.partitions_drop_before(CHECKINS, date(2031, 2, 1))

    assert dropped[0] == f"{CHECKINS}_p203101" and rows == 2  # the older months were empty
    assert f"{CHECKINS}_p203102" not in dropped
    assert [p.name for p in partitions.detached_months(CHECKINS)] == [f"{CHECKINS}_p203102"]
    assert partitions.partitions_drop_before(CHECKINS, date(2031, 2, 1)) == ([], 0)


# Pruning: every query of the pages on check-ins reads only the partitions of its days.


def scanned(sql: str) -> set[str]:
    """The tables and partitions a statement's plan reads."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found, stack = set(), [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        if "Relation Name" in node:
            found.add(node["Relation Name"])
        stack.extend(node.get("Plans", ()))
    return found


def checkin_statements(call) -> list[str]:
    return statements_on(CHECKINS, call)


def statements_on(table: str, call) -> list[str]:
    """The reads of `table` that `call` makes."""
    with CaptureQueriesContext(connection) as captured:
        call()
    found = []
    for query in captured.captured_queries:
        sql = query["sql"].lstrip()
        if sql.upper().startswith("DECLARE"):  # a server-side cursor's (iterator())
            sql = sql[sql.upper().index(" FOR ") + 5:]
        if table in sql and sql.upper().startswith(("SELECT", "WITH")):
            found.append(sql)
    return found


def test_the_pages_read_only_the_partitions_of_their_days(world):
    from apps.reports.figures import figures_for_schools

    today = at(7).date()
    first = partitions.month_start(today)
    months = partitions.months_between(first - timedelta(days=200), first)
    partitions.partitions_extend(CHECKINS, "day", months)
    partitions.partitions_ahead(CHECKINS, "day", today=today)
    person, klass = world.persons["a1_student"], world.classes["a_c1"]
    put(person, today, temperature="38.5", fever=True, abnormal=True)
    teacher, bureau = world.users["teacher_a1"], world.users["jinshui_bureau"]
    school = world.schools["a"]
    # The days each read may touch: today's month, and the month before for the ranges.
    allowed = {partitions.partition_name(CHECKINS, m)
               for m in (first, partitions.month_start(first - timedelta(days=1)))}
    calls = {
        "class roll": lambda: selectors.class_roll(user=teacher, klass=klass, day=today,
                                                   slot="morning", now=at(9)),
        "class flags": lambda: selectors.class_flags(user=teacher, klass=klass, day=today,
                                                     slot="morning"),
        "school completion": lambda: selectors.school_completion(
            user=teacher, school=school, day=today, slot="morning"),
        "bureau completion": lambda: selectors.bureau_completion(
            user=bureau, day=today, slot="morning"),
        "abnormal today": lambda: list(selectors.abnormal_checkins(user=bureau, day=today)),
        "trend": lambda: selectors.trend(user=bureau, today=today),
        "a person's week": lambda: list(selectors.person_checkins(
            user=teacher, person=person, today=today)),
        "persons today": lambda: selectors.persons_today(user=teacher, persons=[person],
                                                         now=at(9)),
        "missing list": lambda: selectors.missing_list(user=teacher, school=school, day=today,
                                                      slot="morning"),
        "daily figures": lambda: figures_for_schools(today, [school.pk]),
    }
    assert_reads_only(CHECKINS, calls, allowed)


def assert_reads_only(table: str, calls: dict, allowed: set[str]) -> None:
    """Each named call reads `table`, and only partitions of `allowed`."""
    for name, call in calls.items():
        statements = statements_on(table, call)
        assert statements, name
        for sql in statements:
            read = {t for t in scanned(sql) if t.startswith(table + "_p")}
            assert read, (name, sql)
            assert read <= allowed, (name, read, sql)


def test_the_gate_and_the_status_engine_read_only_the_partitions_of_their_days(world):
    from apps.gate.facts import _statement
    from apps.status.facts import load_facts

    today = at(7).date()
    first = partitions.month_start(today)
    partitions.partitions_extend(CHECKINS, "day", partitions.months_between(
        first - timedelta(days=400), first))
    partitions.partitions_ahead(CHECKINS, "day", today=today)
    person = world.persons["a1_student"]
    # The gate's one query (prepared; today is a parameter, pruned when it is bound).
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + _statement("id"),
                       [today, today, today, person.school_id, person.pk])
        plan = cursor.fetchone()[0]
    text = json.dumps(plan)
    assert partitions.partition_name(CHECKINS, first) in text
    assert f"{CHECKINS}_pdefault" not in text
    assert partitions.partition_name(CHECKINS, partitions.next_month(first)) not in text
    # The status engine reads its window of days: a few months at most, never all of them.
    statements = checkin_statements(lambda: load_facts(
        school_id=person.school_id, person_ids=[person.pk], today=today, now=at(9)))
    assert statements
    for sql in statements:
        read = {t for t in scanned(sql) if t.startswith(CHECKINS + "_p")}
        assert read and f"{CHECKINS}_pdefault" not in read, sql
        assert len(read) < len(partitions.month_partitions(CHECKINS)) - 4, read
