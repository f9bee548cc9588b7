"""Drills: scheduled, started as a drill trigger with the plan in drill mode (nothing goes
outside), finished with participants and findings, timed and compared."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.emergency.drills import (
    drill_chart,
    drill_finish,
    drill_schedule,
    drill_start,
    drill_timings,
    drills_for_school,
)
from apps.emergency.models import Drill, PlanRun, SchoolTrigger
from apps.emergency.plans import plan_task_complete
from apps.emergency.taskforce import task_force_member_add
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def force(world):
    a, admin = world.schools["a"], world.users["school_a_admin"]
    task_force_member_add(actor=admin, school_id=a.pk, user_id=admin.pk, duty="leader",
                          lead=True)
    task_force_member_add(actor=admin, school_id=a.pk, user_id=world.users["teacher_a1"].pk,
                          duty="deputy")
    task_force_member_add(actor=admin, school_id=a.pk, name="刘医生", organisation="金水区疾控中心",
                          duty="cdc", email="liu@cdc.example.cn", external=True)
    return world


def schedule(world, who="school_a_admin", scenario="上课时间本区报告本土病例"):
    return drill_schedule(actor=world.users[who], school_id=world.schools["a"].pk,
                          scenario=scenario, scheduled_for=timezone.now() + timedelta(days=1))


def test_it_schedules_a_drill(world):
    drill = schedule(world)
    assert (drill.scenario, drill.started_at, drill.trigger) == ("上课时间本区报告本土病例",
                                                                 None, None)


def test_it_needs_a_scenario(world):
    with pytest.raises(ValidationFailed) as failed:
        schedule(world, scenario="  ")
    assert failed.value.errors[0].field == "scenario"
    assert not Drill.objects.exists()


@pytest.mark.parametrize("persona", ["school_b_admin", "teacher_a1", "zhongyuan_bureau"])
def test_it_lets_no_one_else_schedule_start_or_finish(world, persona):
    with pytest.raises(Http404):
        schedule(world, who=persona)
    drill = schedule(world)
    with pytest.raises(Http404):
        drill_start(actor=world.users[persona], drill_id=drill.pk)
    with pytest.raises(Http404):
        drill_finish(actor=world.users[persona], drill_id=drill.pk, participants=3,
                     findings="")
    assert Drill.objects.get().started_at is None


def test_it_starts_a_drill_trigger_and_a_drill_run_on_the_task_force(force):
    drill = drill_start(actor=force.users["school_a_admin"], drill_id=schedule(force).pk)
    trigger = drill.trigger
    assert trigger.drill and trigger.school_id == force.schools["a"].pk
    assert trigger.alert.drill and trigger.alert.drill_school_id == force.schools["a"].pk
    assert trigger.deadline - trigger.fired_at == timedelta(minutes=30)
    run = PlanRun.objects.get(trigger=trigger)
    assert run.drill and run.tasks.exclude(member=None).count() == run.tasks.count()
    # Only the other school's triggers are untouched: the drill reached school A alone.
    assert set(SchoolTrigger.objects.values_list("school_id", flat=True)) == {
        force.schools["a"].pk}


def test_it_sends_nothing_outside_in_a_drill(force):
    drill_start(actor=force.users["school_a_admin"], drill_id=schedule(force).pk)
    sent = Notification.objects.filter(kind="plan.started")
    assert {n.recipient for n in sent} == {force.users["school_a_admin"],
                                           force.users["teacher_a1"]}
    assert all(n.drill for n in sent)
    assert not Notification.objects.filter(drill=False, school=force.schools["a"]).exists()
    assert not Notification.objects.filter(recipient__isnull=True).exists()
    assert not Notification.objects.filter(recipient=force.users["guardian_a1"]).exists()


def test_it_starts_a_drill_once(force):
    drill = schedule(force)
    first = drill_start(actor=force.users["school_a_admin"], drill_id=drill.pk)
    again = drill_start(actor=force.users["school_a_admin"], drill_id=drill.pk)
    assert again.trigger_id == first.trigger_id
    assert SchoolTrigger.objects.count() == 1 and PlanRun.objects.count() == 1


def test_it_times_a_drill_from_its_trigger_and_run(force):
    admin = force.users["school_a_admin"]
    drill = drill_start(actor=admin, drill_id=schedule(force).pk)
    fired = drill.trigger.fired_at
    SchoolTrigger.objects.filter(pk=drill.trigger_id).update(
        acknowledged_at=fired + timedelta(minutes=4),
        traceback_completed_at=fired + timedelta(minutes=95))
    run = PlanRun.objects.get(trigger=drill.trigger)
    tasks = list(run.tasks.order_by("step_no"))
    plan_task_complete(actor=admin, task_id=tasks[0].pk)
    plan_task_complete(actor=admin, task_id=tasks[1].pk)
    tasks[1].refresh_from_db()
    # The second task was done after its due time (made late by moving the due time back).
    type(tasks[1]).objects.filter(pk=tasks[1].pk).update(
        due_at=tasks[1].done_at - timedelta(minutes=1))
    drill = drill_finish(actor=admin, drill_id=drill.pk, participants=12,
                         findings="信息报送超时,需明确专人。")
    drill = Drill.objects.select_related("trigger").get(pk=drill.pk)
    timing = drill_timings([drill])[drill.pk]
    assert timing.acknowledge == 4.0 and timing.traceback == 95.0
    assert timing.first_action is not None and timing.first_action < 1
    assert (timing.tasks, timing.on_time, timing.late, timing.open) == (
        len(tasks), 1, 1, len(tasks) - 2)
    assert (drill.participants, drill.findings) == (12, "信息报送超时,需明确专人。")
    assert PlanRun.objects.get(pk=run.pk).finished_at == drill.finished_at


def test_it_refuses_to_finish_a_drill_not_started_or_finished_twice(force):
    admin = force.users["school_a_admin"]
    drill = schedule(force)
    with pytest.raises(ValidationFailed):
        drill_finish(actor=admin, drill_id=drill.pk, participants=3, findings="")
    drill_start(actor=admin, drill_id=drill.pk)
    with pytest.raises(ValidationFailed) as failed:
        drill_finish(actor=admin, drill_id=drill.pk, participants=0, findings="")
    assert failed.value.errors[0].field == "participants"
    drill_finish(actor=admin, drill_id=drill.pk, participants=3, findings="")
    with pytest.raises(ValidationFailed):
        drill_finish(actor=admin, drill_id=drill.pk, participants=5, findings="again")
    assert Drill.objects.get().participants == 3


def test_it_compares_drills_over_time_in_a_chart(force):
    admin = force.users["school_a_admin"]
    for minutes in (25, 9):
        drill = drill_start(actor=admin, drill_id=schedule(force).pk)
        SchoolTrigger.objects.filter(pk=drill.trigger_id).update(
            acknowledged_at=drill.trigger.fired_at + timedelta(minutes=minutes))
    schedule(force, scenario="尚未开始")
    drills = list(drills_for_school(user=force.users["teacher_a1"],
                                    school_id=force.schools["a"].pk))
    chart = drill_chart(drills, drill_timings(drills))
    assert len(chart["labels"]) == 2  # the drill not started has no point
    assert chart["series"][0]["values"] == [25.0, 9.0]
    assert chart["deadline"] == 30


@pytest.mark.parametrize("persona", ["school_b_admin", "zhongyuan_bureau", "guardian_a1"])
def test_it_shows_drills_only_in_scope(world, persona):
    schedule(world)
    with pytest.raises(Http404):
        drills_for_school(user=world.users[persona], school_id=world.schools["a"].pk)
