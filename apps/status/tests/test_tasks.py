"""From a committed change to a recomputed status: signals -> on_commit -> task -> service."""

import pytest
from django.test import override_settings

from apps.risk.services import risk_area_designate, risk_area_lift
from apps.status.tests.conftest import SHANGHAI_PUDONG, days_ago, status_of
from apps.travel.services import trip_declare

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _declare(world, person):
    return trip_declare(
        actor=world.users["guardian_a1"], person=person, client_id="c-1",
        legs=[{"from_region": "410105", "to_region": SHANGHAI_PUDONG, "depart": days_ago(5),
               "arrive": days_ago(5), "transport": "train", "number": "G1"},
              {"from_region": SHANGHAI_PUDONG, "to_region": "410105", "depart": days_ago(3),
               "arrive": days_ago(3), "transport": "train", "number": "G2"}],
    )


@override_settings(TASKS=IMMEDIATE)
def test_it_recomputes_after_a_declaration_and_a_designation(
    henan, django_capture_on_commit_callbacks
):
    a1 = henan.persons["a1_student"]
    with django_capture_on_commit_callbacks(execute=True):
        _declare(henan, a1)
    assert status_of(a1)[0] == "key_population"
    with django_capture_on_commit_callbacks(execute=True):
        area = risk_area_designate(actor=henan.users["province"], region_code=SHANGHAI_PUDONG,
                                   level="high", start=days_ago(10), source="test")
    assert status_of(a1)[0] == "central_quarantine"
    with django_capture_on_commit_callbacks(execute=True):
        risk_area_lift(actor=henan.users["province"], area=area, lifted_on=days_ago(8),
                       reason="test")
    assert status_of(a1)[0] == "key_population"  # lifted before the stay


def test_it_enqueues_nothing_before_commit(henan, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _declare(henan, henan.persons["a1_student"])
    assert callbacks and not DBTaskResult.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the commit: signal, then enqueue
        for callback in callbacks:
            callback()
    assert DBTaskResult.objects.filter(task_path__endswith="recompute_for_declarations").exists()


@override_settings(TASKS=IMMEDIATE)
def test_it_recomputes_the_province_when_it_chooses_another_pack(
    world, django_capture_on_commit_callbacks
):
    from apps.policy.services import policy_choose_pack
    from apps.status.tests.conftest import trip

    a1, b1 = world.persons["a1_student"], world.persons["b1_student"]
    trip(a1, SHANGHAI_PUDONG, back_days_ago=2)  # no rule about travel in the routine pack
    trip(b1, SHANGHAI_PUDONG, back_days_ago=2)
    with django_capture_on_commit_callbacks(execute=True):
        policy_choose_pack(actor=world.users["province"], province_code="410000",
                           pack_id="henan-2022", reason="两触发机制启动")
    assert status_of(a1)[0] == "key_population"
    assert status_of(b1)[0] == "key_population"
    with django_capture_on_commit_callbacks(execute=True):
        policy_choose_pack(actor=world.users["province"], province_code="410000",
                           pack_id="routine", reason="回到常态化")
    assert status_of(a1)[0] == "normal"


@override_settings(TASKS=IMMEDIATE)
def test_it_recomputes_only_the_schools_under_an_override(
    henan, django_capture_on_commit_callbacks, monkeypatch
):
    from apps.policy.services import policy_override_set
    from apps.status import tasks

    recomputed = []
    monkeypatch.setattr(tasks, "status_recompute_schools",
                        lambda *, school_ids, cause: recomputed.append(sorted(school_ids)) or 0)
    with django_capture_on_commit_callbacks(execute=True):
        policy_override_set(actor=henan.users["luoyang_bureau"], node=henan.bureaus["luoyang"],
                            param="key_population_monitoring_days", value=10, reason="从严")
    assert recomputed == [[henan.schools["b"].pk]]


@override_settings(TASKS=IMMEDIATE)
def test_it_recomputes_only_whom_a_pack_chosen_now_may_concern(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from apps.policy.services import policy_choose_pack
    from apps.status import services, tasks
    from apps.status.tests.conftest import trip

    every_school = []
    monkeypatch.setattr(tasks, "status_recompute_schools",
                        lambda **kwargs: every_school.append(kwargs) or 0)
    evaluated = []
    real = services._recompute
    monkeypatch.setattr(services, "_recompute", lambda persons, **kwargs: evaluated.append(
        sorted(p for ids in persons.values() for p in ids)) or real(persons, **kwargs))
    a1 = world.persons["a1_student"]
    trip(a1, SHANGHAI_PUDONG, back_days_ago=2)
    with django_capture_on_commit_callbacks(execute=True):
        policy_choose_pack(actor=world.users["province"], province_code="410000",
                           pack_id="henan-2022", reason="两触发机制启动")
    assert every_school == []  # not every person of every school
    assert evaluated == [[a1.pk]]  # the one with a fact a rule acts on
    assert status_of(a1)[0] == "key_population"
