"""Staff living on campus in closed loop: recorded by the school's admin, scoped, and held
as boarders by the gate and the status engine."""

import itertools
from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.emergency import residents
from apps.emergency.models import CampusResident, ModeState

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_caches():
    from apps.gate.facts import forget_thresholds
    from apps.gate.services import forget_gates

    forget_thresholds(), forget_gates()
    yield
    forget_thresholds(), forget_gates()


def record(world, persona="school_a_admin", **more):
    values = {
        "school_id": world.schools["a"].pk,
        "number": "T001",
        "since": timezone.localdate(),
        **more,
    }
    return residents.campus_resident_record(actor=world.users[persona], **values)


def closed_loop(world):
    ModeState.objects.create(
        school=world.schools["a"], scope="school", scope_key="", mode="closed_loop"
    )


def leave(world):
    from apps.gate.services import gate_check_record

    return gate_check_record(
        actor=world.users["gate_a"],
        code_or_number="T001",
        temperature="36.5",
        direction="out",
        client_id=f"r-{next(_ids)}",
    )


def test_the_school_admin_records_a_staff_member_once(world):
    first = record(world)
    assert record(world).pk == first.pk
    assert CampusResident.objects.count() == 1
    assert first.person == world.persons["a_staff"]


@pytest.mark.parametrize(
    "persona", ["school_b_admin", "teacher_a2", "zhongyuan_bureau", "guardian_a1"]
)
def test_others_cannot_record(world, persona):
    with pytest.raises(ValidationFailed) as failed:
        record(world, persona=persona)
    assert failed.value.errors[0].field == "number"


def test_a_student_number_is_not_staff(world):
    with pytest.raises(ValidationFailed):
        record(world, number="A2024001")


def test_the_bureau_sees_and_ends_its_schools_records(world):
    resident = record(world)
    assert list(
        residents.school_residents(
            user=world.users["jinshui_bureau"], school_id=world.schools["a"].pk
        )
    ) == [resident]
    with pytest.raises(Http404):
        residents.campus_resident_end(actor=world.users["luoyang_bureau"], resident_id=resident.pk)
    ended = residents.campus_resident_end(
        actor=world.users["school_a_admin"], resident_id=resident.pk
    )
    assert ended.until == timezone.localdate()
    assert resident.history.count() == 2


# (what, closed loop, recorded, record ended yesterday, verdict leaving)
GATE_CASES = [
    ("closed loop, on campus", True, True, False, "stop"),
    ("closed loop, not recorded", True, False, False, "pass"),
    ("closed loop, record ended", True, True, True, "pass"),
    ("normal mode, on campus", False, True, False, "pass"),
]


@pytest.mark.parametrize(
    ("what", "closed", "recorded", "ended", "verdict"), GATE_CASES, ids=[c[0] for c in GATE_CASES]
)
def test_the_gate_holds_staff_living_on_campus_as_boarders(
    world, what, closed, recorded, ended, verdict
):
    if closed:
        closed_loop(world)
    if recorded:
        yesterday = timezone.localdate() - timedelta(days=2)
        record(
            world,
            since=yesterday,
            until=timezone.localdate() - timedelta(days=1) if ended else None,
        )
    found = leave(world)
    assert found.verdict == verdict
    if verdict == "stop":
        assert found.reasons[0].code == "closed_loop_boarder"


def test_the_engine_sees_a_staff_member_living_on_campus(world):
    from apps.status.facts import load_facts

    record(world)
    staff = world.persons["a_staff"]
    facts = load_facts(
        school_id=staff.school_id,
        person_ids=[staff.pk],
        today=timezone.localdate(),
        now=timezone.now(),
    )
    assert facts[staff.pk].lives_on_campus
