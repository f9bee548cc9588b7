"""The care reminder: an open isolation with no care visit today is the epidemic office's,
reminded once per isolation and day from the pack's isolation_care_reminder_time (routine:
16:00) on, claimed by a conditional UPDATE; a visit, a closed isolation, an isolation not
begun, and an earlier hour send nothing."""

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from apps.isolation import services
from apps.isolation.models import Isolation
from apps.isolation.reminders import care_remind
from apps.notifications.models import Notification

from .conftest import CARE, opened

pytestmark = pytest.mark.django_db
KIND = "isolation.care_missing"


def at(hour: int, minute: int = 0, days: int = 0):
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days),
                                                time(hour, minute)))


def reminded(world) -> set[str]:
    users = Notification.objects.filter(kind=KIND).values_list("recipient__username", flat=True)
    return set(users)


def test_the_office_is_reminded_once_a_day_from_the_packs_time(world):
    isolation = opened(world)
    assert care_remind(now=at(15, 59)) == 0
    assert care_remind(now=at(16)) == 1
    assert reminded(world) == {world.users["school_a_admin"].username,
                               world.users["reporter_a"].username}
    assert care_remind(now=at(17)) == 0  # claimed: a rerun or a second worker sends nothing
    assert Isolation.objects.get(pk=isolation.pk).care_reminded_on == timezone.localdate()
    assert care_remind(now=at(16, days=1)) == 1  # the next day, again
    assert Notification.objects.filter(kind=KIND).count() == 4


def test_a_visit_a_release_or_a_start_to_come_sends_nothing(world):
    visited = opened(world)
    services.care_visit_record(actor=world.users["school_a_admin"], isolation_id=visited.pk,
                               **CARE)
    released = opened(world, "a2_student")
    services.isolation_close(actor=world.users["school_a_admin"], isolation_id=released.pk)
    opened(world, "b1_student", by="school_b_admin", start=1, end=5)
    assert care_remind(now=at(20)) == 0


def test_a_school_that_tightened_the_time_is_reminded_earlier(world):
    from apps.policy.services import policy_override_set

    policy_override_set(actor=world.users["school_a_admin"], node=world.schools["a"],
                        param="isolation_care_reminder_time", value=600, reason="上午探视")
    opened(world)
    opened(world, "b1_student", by="school_b_admin")
    assert care_remind(now=at(10)) == 1
    assert set(Notification.objects.filter(kind=KIND).values_list("school_id", flat=True)) == {
        world.schools["a"].pk}
    assert care_remind(now=at(16)) == 1  # school b's time


def test_the_worker_sweeps_it():
    assert "apps.isolation.tasks.remind_missing_care" in settings.PERIODIC_TASKS
