"""Personal records deleted on time (apps.operations.retention): each kind by its pack
parameter, tightened per school, set-based, with the counts."""

from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.gate.models import GateCheck
from apps.health.models import CheckIn, CheckInRevision
from apps.operations.retention import retention_purge
from apps.status.models import PersonStatusChange
from apps.travel.models import Exposure, TripLeg

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()  # routine keeps check-ins 90 days, gate checks 30, travel 60,
# status changes 180


def _at(days_ago: int):
    return timezone.make_aware(datetime.combine(TODAY - timedelta(days=days_ago), time(8)))


def _records(world, person_key: str, days_ago: int) -> None:
    """One record of every kind for the person, dated that many days ago."""
    person = world.persons[person_key]
    day = TODAY - timedelta(days=days_ago)
    common = {"school_id": person.school_id, "person": person}
    checkin = CheckIn.objects.create(**common, day=day, slot="morning", submitted_as="self",
                                     client_id=f"c{person.pk}-{days_ago}")
    CheckInRevision.objects.create(school_id=person.school_id, checkin=checkin, person=person,
                                   values={"temperature": "36.5"}, client_id=f"r{checkin.pk}")
    GateCheck.objects.create(school_id=person.school_id, person=person, at=_at(days_ago),
                             direction="in", verdict="pass", reason="normal",
                             client_id=f"g{person.pk}-{days_ago}")
    leg = TripLeg.objects.create(**common, depart=day, arrive=day, transport="train",
                                 from_region_id="410105", to_region_id="310115",
                                 client_id=f"t{person.pk}-{days_ago}")
    leg.history.update(history_date=_at(days_ago))
    Exposure.objects.create(**common, kind="contact", on=day, region_id="310115")
    PersonStatusChange.objects.create(**common, category="normal", pack="routine",
                                      pack_version="x", changed_at=_at(days_ago))


def _left(person) -> dict[str, int]:
    return {name: model.objects.filter(person=person).count() for name, model in (
        ("checkins", CheckIn), ("revisions", CheckInRevision), ("gate_checks", GateCheck),
        ("trip_legs", TripLeg), ("trip_history", TripLeg.history.model), ("exposures", Exposure),
        ("status_changes", PersonStatusChange))}


@pytest.mark.parametrize(("days_ago", "expected_left"), [
    (29, {"checkins": 1, "gate_checks": 1, "trip_legs": 1, "exposures": 1,
          "status_changes": 1}),
    (31, {"checkins": 1, "gate_checks": 0, "trip_legs": 1, "exposures": 1,
          "status_changes": 1}),
    (61, {"checkins": 1, "gate_checks": 0, "trip_legs": 0, "exposures": 0,
          "status_changes": 1}),
    (91, {"checkins": 0, "gate_checks": 0, "trip_legs": 0, "exposures": 0,
          "status_changes": 1}),
    (181, {"checkins": 0, "gate_checks": 0, "trip_legs": 0, "exposures": 0,
           "status_changes": 0}),
])
def test_it_deletes_each_kind_after_its_keeping_period(world, days_ago, expected_left):
    person = world.persons["a1_student"]
    _records(world, "a1_student", days_ago)
    _records(world, "a1_student", 0)  # today's records always stay
    counts = retention_purge()
    left = _left(person)
    for kind, n in expected_left.items():
        assert left[kind] == n + 1, kind
        assert counts[kind] == 1 - n, kind
    # what hangs on a deleted row, and the change history, go with it
    assert left["revisions"] == left["checkins"]
    assert left["trip_history"] == left["trip_legs"]


def test_it_counts_without_deleting_on_a_dry_run(world):
    _records(world, "a1_student", 200)
    assert retention_purge(dry_run=True) == {"checkins": 1, "gate_checks": 1, "trip_legs": 1,
                                             "exposures": 1, "status_changes": 1}
    assert set(_left(world.persons["a1_student"]).values()) == {1}


def test_it_keeps_less_where_a_school_tightened_the_period(world):
    from apps.policy.services import policy_override_set

    policy_override_set(actor=world.users["school_a_admin"], node=world.schools["a"],
                        param="retention_checkins_days", value=30, reason="学校规定")
    _records(world, "a1_student", 45)
    _records(world, "b1_student", 45)
    assert retention_purge()["checkins"] == 1
    assert not CheckIn.objects.filter(person=world.persons["a1_student"]).exists()
    assert CheckIn.objects.filter(person=world.persons["b1_student"]).count() == 1


def test_the_command_prints_the_counts(world, capsys):
    _records(world, "a1_student", 200)
    call_command("purge_expired", "--dry-run")
    assert "checkins: would delete 1" in capsys.readouterr().out
    call_command("purge_expired")
    out = capsys.readouterr().out
    assert "gate_checks: deleted 1" in out and "status_changes: deleted 1" in out
    assert not GateCheck.objects.exists()
