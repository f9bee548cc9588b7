"""Disinfection and ventilation: areas of a school (a classroom per class in one click), entries
by a named staff member, due by the intervals of the school's mode read from the policy
(henan-2022; routine asks none), overdue items set-based, and the sweep that reminds the
person on duty once per time an area fell due."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.disinfection import schedule, selectors, services
from apps.disinfection.models import Area, AreaEntry
from apps.notifications.models import Notification
from shaodian.testing.world import staff_member

pytestmark = pytest.mark.django_db


def _seed(world, key="a"):
    services.areas_seed(actor=world.users[f"school_{key}_admin"],
                        school_id=world.schools[key].pk)
    return Area.objects.filter(school=world.schools[key])


def test_it_adds_a_classroom_per_class_and_the_usual_areas_once(world):
    areas = _seed(world)
    names = set(areas.values_list("name", flat=True))
    assert {"食堂", "宿舍", "卫生间", "图书馆"} <= names
    assert areas.filter(kind="classroom", klass__isnull=False).count() == (
        world.schools["a"].classes.open().count())
    assert services.areas_seed(actor=world.users["school_a_admin"],
                               school_id=world.schools["a"].pk) == 0


def test_routine_asks_no_schedule(world):
    areas = _seed(world)
    assert set(areas.values_list("disinfection_due_at", flat=True)) == {None}
    assert selectors.overdue(user=world.users["school_a_admin"]) == ([], 0)


@pytest.mark.parametrize(("mode", "disinfection", "ventilation"),
                         [("normal", 24, 8), ("emergency", 12, 4), ("closed_loop", 12, 4),
                          ("online", 24, 8)])
def test_it_reads_the_intervals_of_the_schools_mode(henan, mode, disinfection, ventilation):
    from apps.emergency.models import ModeState

    school = henan.schools["a"]
    if mode != "normal":
        ModeState.objects.create(school=school, mode=mode)
    assert schedule.intervals([school.pk])[school.pk] == {
        "disinfection": disinfection, "ventilation": ventilation}


def test_an_entry_moves_the_due_time_by_the_interval(henan):
    area = _seed(henan).get(name="食堂")
    done_at = timezone.now() - timedelta(hours=1)
    services.entry_record(actor=henan.users["reporter_a"], area_id=area.pk, kind="ventilation",
                          person_id=staff_member(henan, "a").pk, done_at=done_at,
                          client_id="e1")
    services.entry_record(actor=henan.users["reporter_a"], area_id=area.pk, kind="ventilation",
                          person_id=staff_member(henan, "a").pk, done_at=done_at,
                          client_id="e1")
    area.refresh_from_db()
    assert AreaEntry.objects.count() == 1
    assert area.last_ventilation_at == done_at
    assert area.ventilation_due_at == done_at + timedelta(hours=8)


def test_a_mode_switch_brings_the_next_time_forward(henan, django_capture_on_commit_callbacks):
    from apps.emergency.services import mode_switch

    area = _seed(henan).get(name="食堂")
    before = area.disinfection_due_at
    with django_capture_on_commit_callbacks(execute=True):
        mode_switch(actor=henan.users["school_a_admin"], school_id=henan.schools["a"].pk,
                    mode="closed_loop", reason="触发")
    area.refresh_from_db()
    assert area.disinfection_due_at == before - timedelta(hours=12)


def test_it_lists_overdue_items_and_reminds_who_is_on_duty_once(henan, clock):
    areas = _seed(henan)
    canteen = areas.get(name="食堂")
    services.area_update(actor=henan.users["school_a_admin"], area_id=canteen.pk,
                         on_duty_id=henan.users["reporter_a"].pk)
    clock.move_to(timezone.now() + timedelta(hours=9))  # ventilation overdue, not disinfection
    shown, count = selectors.overdue(user=henan.users["school_a_admin"])
    assert count == areas.count()
    assert {o.kind for o in shown} == {"ventilation"}
    assert selectors.schools_overdue_count(user=henan.users["jinshui_bureau"]) == 1
    assert selectors.schools_overdue_count(user=henan.users["zhongyuan_bureau"]) == 0
    sent = services.overdue_remind()
    assert sent == areas.count()
    assert services.overdue_remind() == 0  # claimed: nothing twice
    def told(username):
        return [n.subject_zh for n in Notification.objects.filter(
            recipient=henan.users[username], kind="disinfection")]

    # the canteen's person on duty alone; the other areas' the school's epidemic office
    assert any("食堂" in s for s in told("reporter_a"))
    assert not any("食堂" in s for s in told("school_a_admin"))
    assert any("卫生间" in s for s in told("school_a_admin"))
    # done now: not overdue, and a later lapse is reminded again
    services.entry_record(actor=henan.users["reporter_a"], area_id=canteen.pk,
                          kind="ventilation", person_id=staff_member(henan, "a").pk)
    canteen.refresh_from_db()
    assert canteen.ventilation_due_at > timezone.now()
    clock.move_to(timezone.now() + timedelta(hours=9))
    assert services.overdue_remind() >= 1


def test_it_refuses_bad_entries_naming_the_field(henan):
    area = _seed(henan).first()
    actor, staff = henan.users["reporter_a"], staff_member(henan, "a")
    for extra, field in ((dict(kind="mopping"), "kind"),
                         (dict(person_id=henan.persons["a1_student"].pk), "person_id"),
                         (dict(done_at=timezone.now() + timedelta(hours=2)), "done_at")):
        args = {"kind": "disinfection", "person_id": staff.pk, **extra}
        with pytest.raises(ValidationFailed) as refused:
            services.entry_record(actor=actor, area_id=area.pk, **args)
        assert refused.value.errors[0].field == field
    with pytest.raises(ValidationFailed) as refused:
        services.entry_record(actor=henan.users["school_b_admin"], area_id=area.pk,
                              kind="disinfection", person_id=staff.pk)
    assert refused.value.errors[0].field == "area_id"
    with pytest.raises(ValidationFailed) as refused:
        services.area_create(actor=henan.users["school_a_admin"],
                             school_id=henan.schools["a"].pk, kind="canteen", name="食堂")
    assert refused.value.errors[0].reason == "taken"
