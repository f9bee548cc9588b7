"""apps.core.selectors: a day's rows by a time field in Beijing time, and a school's log of
timed rows as the delivery point and the disinfection log list it (here, not in
apps/core/tests, because core imports no app: tried on the parcels' table)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from apps.core.selectors import day_bounds, on_day, school_log
from apps.parcels.models import ParcelBatch

pytestmark = pytest.mark.django_db


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def batches(world):
    """School a: yesterday 23:59, today 00:00 and 18:00 (Beijing); school b: today 09:00."""
    today = timezone.localdate()
    a, b = world.schools["a"], world.schools["b"]
    made = {}
    for key, school, when in (("late", a, _at(today - timedelta(days=1), 23, 59)),
                              ("midnight", a, _at(today, 0)), ("evening", a, _at(today, 18)),
                              ("b", b, _at(today, 9))):
        made[key] = ParcelBatch.objects.create(school=school, count=1, received_at=when)
    return today, made


def test_a_day_runs_from_midnight_to_midnight_in_beijing(batches):
    today, made = batches
    start, end = day_bounds(today)
    assert timezone.localtime(start).time() == time(0) and end - start == timedelta(days=1)
    rows = on_day(ParcelBatch.objects.all(), "received_at", today)
    assert set(rows) == {made["midnight"], made["evening"], made["b"]}
    assert on_day(ParcelBatch.objects.all(), "received_at", None).count() == 4


def test_a_school_log_is_the_schools_day_latest_first_or_first_first(world, batches):
    today, made = batches
    school = world.schools["a"].pk
    rows = ParcelBatch.objects.all()
    assert list(school_log(rows, field="received_at", school_id=school, day=today)) == [
        made["evening"], made["midnight"]]
    assert list(school_log(rows, field="received_at", school_id=school, day=today,
                           latest_first=False)) == [made["midnight"], made["evening"]]
    every = school_log(rows, field="received_at", related=("recorded_by",))
    assert list(every) == sorted(made.values(), key=lambda b: b.received_at, reverse=True)
    assert every.query.select_related == {"recorded_by": {}}
