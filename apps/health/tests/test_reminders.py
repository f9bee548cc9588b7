"""Reminders at each slot: the missing people and their guardians, the class teachers' lists,
the outbreak reporter's abnormal results; sent once however often the sweep runs."""

import pytest

from apps.health.models import ReminderRun
from apps.health.reminders import reminders_send_due, slots_to_remind
from apps.health.tests.conftest import at
from apps.health.tests.test_selectors import put
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


def inbox(world, user) -> list[tuple[str, str]]:
    return [(n.kind, n.body_zh) for n in
            Notification.objects.filter(recipient=world.users[user]).order_by("kind")]


def test_it_reminds_each_slot_from_its_time_until_the_next_slot_opens():
    assert slots_to_remind(at(7, 29)) == []
    assert slots_to_remind(at(7, 30)) == ["morning"]
    assert slots_to_remind(at(10, 59)) == ["morning"]
    assert slots_to_remind(at(11, 0)) == []
    assert slots_to_remind(at(12, 45)) == ["noon"]
    assert slots_to_remind(at(23, 0)) == ["evening"]


def test_it_reminds_the_missing_their_guardians_teachers_and_the_reporter(world):
    put(world, "a2_student", temperature="38.3")
    put(world, "b1_student")
    sent = reminders_send_due(now=at(7, 35))
    assert [k for k, _b in inbox(world, "student_a1")] == ["checkin.missing"]
    assert [k for k, _b in inbox(world, "guardian_a1")] == ["checkin.missing"]
    # teacher_a1 is also the staff member 王建国, who has not checked in either.
    kinds = dict(inbox(world, "teacher_a1"))
    assert set(kinds) == {"checkin.class_missing", "checkin.missing"}
    assert "张小明" in kinds["checkin.class_missing"] and "刘小红" in kinds[
        "checkin.class_missing"]
    assert inbox(world, "teacher_a2") == []  # their only student checked in
    assert [(k, "陈小刚" in b) for k, b in inbox(world, "reporter_a")] == [
        ("checkin.abnormal", True)]
    assert inbox(world, "teacher_b1") == []  # school B: everyone checked in
    assert sent == 5
    assert ReminderRun.objects.filter(slot="morning").count() == 2


def test_it_sends_nothing_twice_when_the_sweep_runs_again(world):
    first = reminders_send_due(now=at(7, 35))
    assert first > 0
    assert reminders_send_due(now=at(7, 40)) == 0
    ReminderRun.objects.all().delete()  # a run cut short before it was marked: dedupe keys
    assert reminders_send_due(now=at(7, 45)) == 0
    assert Notification.objects.count() == first


def test_it_reminds_the_noon_slot_separately(world):
    reminders_send_due(now=at(7, 35))
    before = Notification.objects.count()
    reminders_send_due(now=at(12, 35))
    assert Notification.objects.count() == 2 * before


def _queries_for_a_fresh_run(world, when) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.notifications.models import NotificationKey

    ReminderRun.objects.all().delete()
    Notification.objects.all().delete()
    NotificationKey.objects.all().delete()  # their dedupe keys too: nothing sent yet
    with CaptureQueriesContext(connection) as captured:
        reminders_send_due(now=when)
    return len(captured)


def test_it_sends_in_a_number_of_queries_that_does_not_grow_with_people(world):
    from apps.orgs.models import SchoolClass
    from apps.people.models import Guardianship, Person

    few = _queries_for_a_fresh_run(world, at(7, 35))
    klass = SchoolClass.objects.create(school=world.schools["a"], unit=world.units["a_grade"],
                                       name="七年级3班", teacher=world.users["teacher_a2"])
    model = Person.objects.get(pk=world.persons["a1_student2"].pk)
    for i in range(30):
        model.pk, model.number, model.doc_hash, model.klass = None, f"Y{i}", f"y{i}", klass
        model.save()
        Guardianship.objects.create(school=world.schools["a"], person=model,
                                    user=world.users["guardian_a1"], relation="父亲")
    assert _queries_for_a_fresh_run(world, at(7, 35)) == few


def test_it_reminds_as_long_before_a_slot_is_due_as_the_policy_says():
    assert slots_to_remind(at(6, 59), 60) == []
    assert slots_to_remind(at(7, 0), 60) == ["morning"]
    assert slots_to_remind(at(12, 0), 60) == ["noon"]
    assert slots_to_remind(at(11, 5), 600) == ["noon"]  # never before the slot opens
    assert slots_to_remind(at(0, 0), 600) == ["morning"]


def test_it_reminds_a_school_earlier_when_its_policy_was_tightened(world):
    """School A reminds 90 minutes before (06:30): the sweep starts then for it, school B
    still waits for the pack's 30 minutes (07:30)."""
    from apps.policy.services import policy_override_set

    put(world, "a2_student")
    policy_override_set(actor=world.users["school_a_admin"], node=world.schools["a"],
                        param="checkin_reminder_minutes", value=90, reason="提前提醒")
    assert reminders_send_due(now=at(6, 25)) == 0
    assert reminders_send_due(now=at(6, 35)) > 0
    assert [k for k, _b in inbox(world, "student_a1")] == ["checkin.missing"]
    assert inbox(world, "teacher_b1") == []
    assert list(ReminderRun.objects.values_list("school_id", flat=True)) == [
        world.schools["a"].pk]
    reminders_send_due(now=at(7, 35))
    assert [k for k, _b in inbox(world, "teacher_b1")] == ["checkin.class_missing"]
