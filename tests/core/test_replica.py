"""Reads from a real streaming replica (apps/core/routers.py): a dashboard is served by the
standby, and a page that follows its own write by the primary.

The PostgreSQL run starts the standby (scripts/pg_replica.sh, a second cluster made by
pg_basebackup) and sets DATABASE_REPLICA_URL; the replica is the test database's mirror
(Django's TEST MIRROR), so the test database reaches it by streaming. These tests commit
(transactional) and stop the standby's replay to make the primary and the replica differ:
what a page shows then says which one it read."""

import time

import pytest
from django.conf import settings
from django.db import connections
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.people.models import RegionHeadcount

pytestmark = [
    pytest.mark.skipif("replica" not in settings.DATABASES,
                       reason="no replica: set DATABASE_REPLICA_URL (scripts/pg_replica.sh)"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


def _one(alias: str, sql: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _wait_for(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not {what} in {timeout:.0f} s")
        time.sleep(0.05)


def _caught_up():
    """Every change the primary committed until now has been replayed on the replica."""
    lsn = _one("default", "SELECT pg_current_wal_lsn()::text")
    _wait_for(lambda: _one("replica", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]),
              "catch up")


@pytest.fixture
def replica(settings):
    """Replica reads on (the suite's default is off), the standby caught up with what the
    test made, and a `paused()` that stops its replay until the test ends."""
    settings.REPLICA_READS = True
    assert _one("replica", "SELECT pg_is_in_recovery()"), "DATABASE_REPLICA_URL is no standby"
    _caught_up()

    class Standby:
        @staticmethod
        def pause():
            _one("replica", "SELECT pg_wal_replay_pause()::text")
            _wait_for(lambda: _one("replica", "SELECT pg_get_wal_replay_pause_state()")
                      == "paused", "pause")

        @staticmethod
        def resume():
            _one("replica", "SELECT pg_wal_replay_resume()::text")
            _caught_up()

    try:
        yield Standby
    finally:
        _one("replica", "SELECT pg_wal_replay_resume()::text")


def _login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _students_shown(page) -> str:
    text = page.text
    start = text.index('id="stat-students">') + len('id="stat-students">')
    return text[start:text.index("<", start)].replace(",", "")


def test_it_serves_a_bureau_dashboard_from_the_replica(world, replica, client):
    bureau = _login(client, world.users["jinshui_bureau"])
    before = _students_shown(bureau.get(reverse("web:home")))
    replica.pause()
    # Committed on the primary while the standby waits: its dashboard still shows the count
    # from before, so the page was read there.
    RegionHeadcount.objects.filter(level="county", code="410105").update(
        students=F("students") + 1000)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        page = bureau.get(reverse("web:home"))
    assert page.status_code == 200
    assert _students_shown(page) == before
    assert any("people_regionheadcount" in q["sql"] for q in on_replica.captured_queries)
    replica.resume()
    assert _students_shown(bureau.get(reverse("web:home"))) == str(int(before) + 1000)


def test_a_page_after_its_own_write_reads_the_primary(world, replica, client):
    from apps.reports.tests.conftest import DAY

    school = world.schools["a"]
    page_url = reverse("reports:school", args=[school.pk]) + f"?day={DAY.isoformat()}"
    reporter = _login(client, world.users["reporter_a"])
    assert 'id="zero-badge"' not in reporter.get(page_url).text
    replica.pause()
    done = reporter.post(reverse("reports:school_submit", args=[school.pk]),
                         {"day": DAY.isoformat(), "zero": "1"}, follow=True)
    # The redirect to the report's page, and the page again, read what was just written.
    assert done.status_code == 200 and 'id="zero-badge"' in done.text
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        again = reporter.get(page_url)
    assert 'id="zero-badge"' in again.text and not on_replica.captured_queries
    # The same page for another browser of the same person (no write of its own) is the
    # replica's, which has not seen the report yet; once it replays, it has.
    elsewhere = _login(type(client)(), world.users["reporter_a"])
    assert 'id="zero-badge"' not in elsewhere.get(page_url).text
    replica.resume()
    assert 'id="zero-badge"' in elsewhere.get(page_url).text


def test_an_api_list_reads_the_replica_and_after_its_own_write_the_primary(world, replica,
                                                                           client):
    from apps.people.models import Person

    admin = _login(client, world.users["school_a_admin"])
    school = world.schools["a"]
    url = f"/api/v1/persons?school={school.pk}"
    before = admin.get(url).json()["count"]
    replica.pause()
    person = world.persons["a1_student"]
    Person.objects.filter(pk=person.pk).update(active=False)  # committed on the primary
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        listed = admin.get(url).json()
    assert listed["count"] == before and on_replica.captured_queries  # the replica's
    # The client's own write (its answer sets the pin cookie): its next list is the primary's.
    other = world.persons["a2_student"]
    changed = admin.patch(f"/api/v1/persons/{other.pk}", {"name": "李小红二"},
                          content_type="application/json")
    assert changed.status_code == 200
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        listed = admin.get(url).json()
    assert listed["count"] == before - 1 and not on_replica.captured_queries
    assert "李小红二" in str(listed) and person.name not in str(listed)
    replica.resume()
