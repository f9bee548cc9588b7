"""Personal records deleted on time (apps.operations.retention): each kind by its pack
parameter, tightened per school, set-based, with the counts; test samples anonymised, so a
round's statistics remain."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from apps.emergency.models import Alert, TraceHit
from apps.gate.models import GateCheck
from apps.health.models import CheckIn, CheckInRevision
from apps.operations.retention import retention_purge
from apps.status.models import PersonStatusChange, RegimenMark
from apps.testing.models import RoundMember, Sample, TestRound, Tube
from apps.testing.selectors.station import round_progress
from apps.travel.models import Exposure, TripLeg

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()  # routine keeps check-ins 90 days, gate checks 30, travel 60,
# status changes 180, test samples 180 with their person


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
    alert = Alert.objects.create(region_id="310115", opened_at=_at(days_ago),
                                 last_report_at=_at(days_ago), merge_until=_at(days_ago))
    TraceHit.objects.create(**common, alert=alert, alert_on=alert.opened_on, link="trip",
                            ref_id=leg.pk, on=day)
    PersonStatusChange.objects.create(**common, category="normal", pack="routine",
                                      pack_version="x", changed_at=_at(days_ago))
    RegimenMark.objects.create(**common, regimen="two_in_three", window_start=day, window_end=day,
                               tests=2, done=1, cleared_at=_at(days_ago), cleared_by="test")
    _sampled(person, days_ago)


def _sampled(person, days_ago: int) -> TestRound:
    """A one-day round of that day, the person planned and sampled in a closed tube."""
    day, school_id = TODAY - timedelta(days=days_ago), person.school_id
    test_round = TestRound.objects.create(school_id=school_id, name=f"第{days_ago}天",
                                          kind="pcr_pooled", scope="school", day=day,
                                          status="closed")
    RoundMember.objects.create(school_id=school_id, round=test_round, person=person,
                               planned_day=day)
    tube = Tube.objects.create(school_id=school_id, round=test_round, pool_size=10,
                               barcode=f"T{person.pk}-{days_ago}", status="resulted",
                               result="negative", opened_at=_at(days_ago),
                               client_id=f"tube{person.pk}-{days_ago}")
    Sample.objects.create(school_id=school_id, round=test_round, tube=tube, person=person,
                          scanned_at=_at(days_ago), client_id=f"s{person.pk}-{days_ago}")
    return test_round


def _left(person) -> dict[str, int]:
    return {name: model.objects.filter(person=person).count() for name, model in (
        ("checkins", CheckIn), ("revisions", CheckInRevision), ("gate_checks", GateCheck),
        ("trip_legs", TripLeg), ("trip_history", TripLeg.history.model), ("exposures", Exposure),
        ("trace_hits", TraceHit), ("status_changes", PersonStatusChange),
        ("regimen_marks", RegimenMark),
        ("round_members", RoundMember), ("samples", Sample))}


@pytest.mark.parametrize(("days_ago", "expected_left"), [
    (29, {"checkins": 1, "gate_checks": 1, "trip_legs": 1, "exposures": 1, "trace_hits": 1,
          "status_changes": 1, "regimen_marks": 1,
          "round_members": 1, "samples": 1}),
    (31, {"checkins": 1, "gate_checks": 0, "trip_legs": 1, "exposures": 1, "trace_hits": 1,
          "status_changes": 1, "regimen_marks": 1,
          "round_members": 1, "samples": 1}),
    (61, {"checkins": 1, "gate_checks": 0, "trip_legs": 0, "exposures": 0, "trace_hits": 0,
          "status_changes": 1, "regimen_marks": 1,
          "round_members": 1, "samples": 1}),
    (91, {"checkins": 0, "gate_checks": 0, "trip_legs": 0, "exposures": 0, "trace_hits": 0,
          "status_changes": 1, "regimen_marks": 1,
          "round_members": 1, "samples": 1}),
    (181, {"checkins": 0, "gate_checks": 0, "trip_legs": 0, "exposures": 0, "trace_hits": 0,
           "status_changes": 0, "regimen_marks": 0,
           "round_members": 0, "samples": 0}),
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


def test_it_anonymises_test_samples_and_the_round_still_counts_them(world):
    person = world.persons["a1_student"]
    old, recent = _sampled(person, 181), _sampled(person, 179)
    before = round_progress(test_round=old)
    assert retention_purge()["samples"] == 1
    sample = Sample.objects.get(round=old)
    assert sample.person_id is None  # nobody's name any more
    assert Sample.objects.get(round=recent).person_id == person.pk
    after = round_progress(test_round=old)
    # the round still has its sample and its tube; only the list of planned people went
    assert (after["sampled"], after["tubes_closed"]) == (before["sampled"],
                                                         before["tubes_closed"]) == (1, 1)
    assert (before["members"], after["members"]) == (1, 0)
    assert Tube.objects.get(round=old).result == "negative"
    assert retention_purge()["samples"] == 0  # done once: nothing left to anonymise


def test_it_keeps_an_open_regimen_mark_however_old(world):
    """A mark not cleared is a status the person still has: it outlives every period."""
    person = world.persons["a1_student"]
    old = TODAY - timedelta(days=400)
    RegimenMark.objects.create(school_id=person.school_id, person=person, regimen="two_in_three",
                               window_start=old, window_end=old, tests=2, done=0)
    assert retention_purge()["regimen_marks"] == 0
    assert RegimenMark.objects.filter(person=person).count() == 1


def test_it_counts_without_deleting_on_a_dry_run(world):
    _records(world, "a1_student", 200)
    assert retention_purge(dry_run=True) == {"checkins": 1, "gate_checks": 1, "trip_legs": 1,
                                             "exposures": 1, "trace_hits": 1,
                                             "status_changes": 1, "regimen_marks": 1,
                                             "round_members": 1, "samples": 1,
                                             "parcel_photos": 0, "approvals": 0,
                                             "concerns": 0, "notifications": 0,
                                             "supervision_photos": 0}
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
    assert "samples: anonymised 1" in out
    assert not GateCheck.objects.exists()


def test_notifications_their_deliveries_and_keys_go_after_the_keeping_period(world, settings):
    """The same period for everyone (they follow a user): deliveries and dedupe keys go with
    their notification, and a sweep's key, once gone, may be sent again."""
    from apps.notifications.models import Delivery, Notification, NotificationKey
    from apps.notifications.services import notification_send

    settings.NOTIFICATION_RETENTION_DAYS = 30
    user = world.users["teacher_a1"]
    user.email = "t@example.org"
    user.save(update_fields=["email"])
    for days_ago in (45, 10):
        with time_machine.travel(_at(days_ago)):
            notification_send(recipient_ids=[user.pk], kind="test.old", subject="旧",
                              severity="warning", dedupe_key=f"old:{days_ago}")
    assert Delivery.objects.count() == 2
    assert retention_purge(dry_run=True)["notifications"] == 1
    assert retention_purge()["notifications"] == 1
    assert list(Notification.objects.values_list("dedupe_key", flat=True)) == ["old:10"]
    assert list(Delivery.objects.values_list("notification__dedupe_key", flat=True)) == [
        "old:10"]
    assert list(NotificationKey.objects.values_list("dedupe_key", flat=True)) == ["old:10"]
    assert retention_purge()["notifications"] == 0
