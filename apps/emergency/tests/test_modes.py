import pytest
from django.http import Http404

from apps.core.errors import ValidationFailed
from apps.emergency.models import Mode, ModeScope, ModeState, ModeSwitch
from apps.emergency.selectors import online_scopes, school_mode, school_modes
from apps.emergency.services import mode_switch
from apps.status.facts import load_facts

pytestmark = pytest.mark.django_db


def test_it_starts_every_school_in_normal_mode(world):
    a, b = world.schools["a"], world.schools["b"]
    assert school_modes(school_ids=[a.pk, b.pk]) == {a.pk: "normal", b.pk: "normal"}


def test_it_switches_a_school_and_records_who_when_and_why(world):
    a = world.schools["a"]
    admin = world.users["school_a_admin"]
    switch = mode_switch(actor=admin, school_id=a.pk, mode=Mode.CLOSED_LOOP,
                         reason="省内报告本土病例")
    assert school_mode(school_id=a.pk) == "closed_loop"
    assert (switch.from_mode, switch.to_mode, switch.switched_by, switch.reason) == (
        "normal", "closed_loop", admin, "省内报告本土病例")
    assert school_mode(school_id=world.schools["b"].pk) == "normal"


def test_it_needs_a_reason_to_return_to_normal(world):
    a = world.schools["a"]
    admin = world.users["school_a_admin"]
    mode_switch(actor=admin, school_id=a.pk, mode=Mode.EMERGENCY)
    with pytest.raises(ValidationFailed) as failed:
        mode_switch(actor=admin, school_id=a.pk, mode=Mode.NORMAL, reason="  ")
    assert [(e.field, e.reason) for e in failed.value.errors] == [("reason", "required")]
    assert school_mode(school_id=a.pk) == "emergency"
    mode_switch(actor=admin, school_id=a.pk, mode=Mode.NORMAL, reason="14天无新增")
    assert school_mode(school_id=a.pk) == "normal"
    assert not ModeState.objects.filter(school=a).exists()
    assert list(ModeSwitch.objects.filter(school=a).values_list("to_mode", flat=True)) == [
        "normal", "emergency"]


def test_it_changes_nothing_when_the_mode_is_already_in_force(world):
    a = world.schools["a"]
    admin = world.users["school_a_admin"]
    mode_switch(actor=admin, school_id=a.pk, mode=Mode.EMERGENCY)
    assert mode_switch(actor=admin, school_id=a.pk, mode=Mode.EMERGENCY) is None
    assert ModeSwitch.objects.filter(school=a).count() == 1


def test_it_puts_one_class_online_only(world):
    a = world.schools["a"]
    klass = world.classes["a_c1"]
    mode_switch(actor=world.users["school_a_admin"], school_id=a.pk, mode=Mode.ONLINE,
                scope=ModeScope.KLASS, scope_key=str(klass.pk), reason="流感样病例")
    assert online_scopes(school_id=a.pk) == {"unit": set(), "klass": {klass.pk}}
    assert school_mode(school_id=a.pk) == "normal"


@pytest.mark.parametrize(("scope", "key", "mode", "field"), [
    (ModeScope.KLASS, "999999", Mode.ONLINE, "scope_key"),
    (ModeScope.KLASS, "b_c1", Mode.ONLINE, "scope_key"),  # another school's class
    (ModeScope.KLASS, "a_c1", Mode.CLOSED_LOOP, "mode"),
    (ModeScope.SCHOOL, "a_c1", Mode.EMERGENCY, "scope_key"),
    (ModeScope.SCHOOL, "", "panic", "mode"),
])
def test_it_refuses_a_bad_switch_naming_the_field(world, scope, key, mode, field):
    key = str(world.classes[key].pk) if key in world.classes else key
    with pytest.raises(ValidationFailed) as failed:
        mode_switch(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk,
                    mode=mode, scope=scope, scope_key=key)
    assert failed.value.errors[0].field == field
    assert not ModeSwitch.objects.exists()


@pytest.mark.parametrize("persona", ["school_b_admin", "teacher_a1", "zhongyuan_bureau",
                                     "guardian_a1", "gate_a"])
def test_it_lets_no_one_out_of_scope_switch(world, persona):
    with pytest.raises(Http404):
        mode_switch(actor=world.users[persona], school_id=world.schools["a"].pk,
                    mode=Mode.EMERGENCY)


@pytest.mark.parametrize("persona", ["jinshui_bureau", "province"])
def test_it_lets_the_bureau_above_order_a_mode(world, persona):
    mode_switch(actor=world.users[persona], school_id=world.schools["a"].pk,
                mode=Mode.EMERGENCY, reason="教育局要求")
    assert school_mode(school_id=world.schools["a"].pk) == "emergency"


def test_it_gives_the_engine_the_schools_mode(world, django_capture_on_commit_callbacks):
    a = world.schools["a"]
    student = world.persons["a1_student"]
    with django_capture_on_commit_callbacks(execute=True):
        mode_switch(actor=world.users["school_a_admin"], school_id=a.pk, mode=Mode.CLOSED_LOOP)
    from django.utils import timezone
    facts = load_facts(school_id=a.pk, person_ids=[student.pk], today=timezone.localdate(),
                       now=timezone.now())
    assert facts[student.pk].school_mode == "closed_loop"
