"""The absence queries on check-ins (partitioned by month on PostgreSQL) name both ends of
their days, so PostgreSQL reads only those months' partitions: never the months made ahead,
the DEFAULT partition, nor the months before."""

from datetime import timedelta

import pytest

from apps.absence import detection, selectors
from apps.absence.models import Cluster
from apps.core import partitions
from apps.health.tests.test_partitions import CHECKINS, checkin_statements, put, scanned
from apps.people.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_postgresql")]


@pytest.fixture
def today():
    """Today, with a year of months before it and three made ahead."""
    day = detection.timezone.localdate()
    first = partitions.month_start(day)
    partitions.partitions_extend(CHECKINS, "day", partitions.months_between(
        first - timedelta(days=365), first))
    partitions.partitions_ahead(CHECKINS, "day", today=day)
    return day


def months_read(call) -> list[set[str]]:
    """The check-in partitions each of the call's statements on check-ins reads."""
    statements = checkin_statements(call)
    assert statements
    return [{t for t in scanned(sql) if t.startswith(CHECKINS + "_p")} for sql in statements]


def months(*days) -> set[str]:
    return {partitions.partition_name(CHECKINS, partitions.month_start(d)) for d in days}


def fevers(world, classmates, day):
    """Three classmates with fever that day: a cluster of check-ins."""
    for person in Person.objects.filter(pk__in=classmates[:3]):
        put(person, day, temperature="38.5", fever=True, abnormal=True)


def test_a_clusters_cases_read_only_the_months_of_its_window(world, classmates, today):
    day = today - timedelta(days=2)
    fevers(world, classmates, day)
    detection.clusters_detect(school_id=world.schools["a"].pk)
    cluster = Cluster.objects.get()
    assert len(cluster.checkin_ids) == 3
    for read in months_read(lambda: selectors.cluster_cases(cluster)):
        assert read and read <= months(cluster.window_start, cluster.window_end), read


def test_detection_reads_only_the_months_from_its_first_day_to_today(world, classmates,
                                                                    today):
    fevers(world, classmates, today)
    school = world.schools["a"].pk
    since = detection._since(detection.school_params(school), detection.timezone.now())
    for read in months_read(lambda: detection.clusters_detect(school_id=school)):
        assert read and read <= months(since, today), read


def test_the_sweep_finds_the_schools_reading_only_the_recent_months(world, classmates, today):
    fevers(world, classmates, today)
    found = []
    reads = months_read(lambda: found.extend(detection.schools_with_recent_cases(days=11)))
    assert found == [world.schools["a"].pk]
    for read in reads:
        assert read and read <= months(today - timedelta(days=11), today), read
