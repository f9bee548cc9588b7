"""Each school's late items, counted set-based for the bureaus' rankings
(apps.web.lateness): the sweep counts every kind per school and counts the same twice;
a school that acknowledges or completes leaves the ranking at once, without the sweep."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from apps.emergency.response import trigger_acknowledge
from apps.followups.services import followup_complete
from apps.reports.models import SchoolLateness
from apps.web.lateness import lateness_refresh
from apps.web.tests.test_home_urgent import late_trigger, overdue, reports_of_today

pytestmark = pytest.mark.django_db


def counts(world) -> dict:
    keys = {school.pk: key for key, school in world.schools.items()}
    return {keys[row.school_id]: (row.triggers, row.clusters, row.report, row.followups)
            for row in SchoolLateness.objects.all()}


def test_it_counts_each_schools_late_items_of_every_kind(world, henan):
    reports_of_today(world, late_for=("a",))
    late_trigger(world, "b")
    overdue(world, "a1_student")
    overdue(world, "a2_student")
    overdue(world, "b1_student", hours=-1)  # due in an hour: not late
    assert lateness_refresh() == 2
    assert counts(world) == {"a": (0, 0, True, 2), "b": (1, 0, False, 0)}
    row = SchoolLateness.objects.get(school=world.schools["a"])
    assert (row.province_code, row.city_code) == (world.schools["a"].province_code,
                                                  world.schools["a"].city_code)


def test_counting_again_changes_nothing_and_forgets_what_is_no_longer_late(world, henan):
    followup = overdue(world, "a1_student")
    lateness_refresh()
    lateness_refresh()
    assert counts(world) == {"a": (0, 0, False, 1)}
    type(followup).objects.filter(pk=followup.pk).update(
        due_at=timezone.now() + timedelta(hours=1))  # its deadline was moved
    assert lateness_refresh() == 0 and counts(world) == {}


def test_a_deadline_passed_since_the_last_count_shows_at_the_next(world, henan):
    followup = overdue(world, "a1_student", hours=-1)
    lateness_refresh()
    assert counts(world) == {}
    lateness_refresh(now=followup.due_at + timedelta(minutes=1))
    assert counts(world) == {"a": (0, 0, False, 1)}


def test_acknowledging_a_late_trigger_takes_the_school_off_at_once(world, henan):
    trigger = late_trigger(world, "b")
    overdue(world, "a1_student")
    lateness_refresh()
    trigger_acknowledge(actor=world.users["school_b_admin"], trigger_id=trigger.pk)
    assert counts(world) == {"a": (0, 0, False, 1)}  # b gone; a counted as it was


def test_completing_one_of_two_overdue_follow_ups_counts_one(world, henan):
    first = overdue(world, "a1_student")
    overdue(world, "a2_student")
    lateness_refresh()
    followup_complete(actor=world.users["school_a_admin"], followup_id=first.pk,
                      outcome="复查正常")
    assert counts(world) == {"a": (0, 0, False, 1)}


def test_the_worker_counts_every_minute_unless_told_otherwise():
    assert settings.PERIODIC_TASKS.get("apps.web.tasks.refresh_lateness") == 60
