"""A task force's membership is a grant (apps.access.grants): a member reads the school's
plan pages without a view role, the leader ticks any task, nobody else does."""

import pytest
from django.http import Http404

from apps.access.models import User
from apps.emergency.plans import plan_run_start, plan_task_complete, school_for_read
from apps.emergency.taskforce import task_force_member_add

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)  # grants are kept per user object (per request)


def test_it_lets_the_leader_without_a_manager_role_tick_any_task(world):
    a, admin = world.schools["a"], world.users["school_a_admin"]
    gate, teacher = world.users["gate_a"], world.users["teacher_a1"]
    task_force_member_add(actor=admin, school_id=a.pk, user_id=gate.pk, duty="leader",
                          lead=True)
    task_force_member_add(actor=admin, school_id=a.pk, user_id=teacher.pk, duty="deputy")
    run = plan_run_start(actor=admin, school_id=a.pk)
    deputy_task = run.tasks.filter(member__duty="deputy").first()
    assert plan_task_complete(actor=fresh(gate), task_id=deputy_task.pk).done_by == gate
    leader_task = run.tasks.filter(member__duty="leader").first()
    with pytest.raises(Http404):  # a member ticks their own only
        plan_task_complete(actor=fresh(world.users["reporter_a"]), task_id=leader_task.pk)


def test_it_lets_a_member_read_their_schools_plan_only(world):
    a, admin, gate = world.schools["a"], world.users["school_a_admin"], world.users["gate_a"]
    with pytest.raises(Http404):
        school_for_read(fresh(gate), a.pk)
    task_force_member_add(actor=admin, school_id=a.pk, user_id=gate.pk, duty="security")
    assert school_for_read(fresh(gate), a.pk) == a
    with pytest.raises(Http404):
        school_for_read(fresh(gate), world.schools["b"].pk)
