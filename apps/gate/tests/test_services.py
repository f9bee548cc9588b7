"""gate_check_record, gate_checks_upload, gate_check_override, terminals."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from apps.access.models import AccessLog
from apps.core.errors import ValidationFailed
from apps.gate.models import GateCheck
from apps.gate.services import (
    gate_check_override,
    gate_checks_upload,
    gate_create,
    terminal_register,
)
from apps.gate.tests.conftest import checkin, client_id, mode, status
from apps.people.codes import personal_code_issue

pytestmark = pytest.mark.django_db


def test_it_passes_a_healthy_student_scanned_by_code_and_records_the_check(world, scan):
    person = world.persons["a1_student"]
    checkin(person)
    outcome = scan("gate_a", personal_code_issue(person=person), "36.6")
    assert outcome.verdict == "pass" and outcome.name == "张小明"
    assert outcome.klass == world.classes["a_c1"].name
    check = GateCheck.objects.get(pk=outcome.check_id)
    assert (check.person, check.verdict, check.reason, str(check.temperature)) == (
        person, "pass", "ok", "36.6")
    assert check.officer == world.users["gate_a"] and check.direction == "in"


def test_it_stops_a_fever_typed_by_number(world, scan):
    checkin(world.persons["a1_student"])
    outcome = scan("gate_a", "A2024001", "38.1")
    assert outcome.verdict == "stop" and outcome.reasons[0].code == "fever"


def test_it_refers_without_todays_checkin_and_stops_an_abnormal_one(world, scan):
    assert scan("gate_a", "A2024001").reasons[0].code == "no_checkin"
    checkin(world.persons["a1_student"], abnormal=True)
    assert scan("gate_a", "A2024001").verdict == "stop"


def test_it_reads_the_stored_status(world, scan):
    person = world.persons["a1_student"]
    checkin(person)
    status(person, "home_quarantine")
    assert scan("gate_a", "A2024001").reasons[0].code == "status_stay_away"


def test_it_refers_a_status_whose_end_has_passed(world, scan):
    person = world.persons["a1_student"]
    checkin(person)
    status(person, "key_population", until=timezone.localdate() - timedelta(days=1))
    assert "status_outdated" in [r.code for r in scan("gate_a", "A2024001").reasons]


def test_it_keeps_boarders_in_closed_loop(world, scan):
    person = world.persons["a1_student"]
    person.residence = "boarder"
    person.save()
    mode(world.schools["a"], "closed_loop")
    assert scan("gate_a", "A2024001", direction="out").reasons[0].code == "closed_loop_boarder"
    assert scan("gate_a", "A2024002", direction="out").verdict == "pass"  # a day student


def test_it_refers_a_class_in_online_teaching(world, scan):
    checkin(world.persons["a1_student"])
    checkin(world.persons["a2_student"])
    mode(world.schools["a"], "online", scope="klass", key=str(world.classes["a_c1"].pk))
    assert scan("gate_a", "A2024001").reasons[0].code == "online_teaching"
    assert scan("gate_a", "A2024101").verdict == "pass"  # another class


def test_it_records_an_unknown_number_and_a_tampered_code_as_stops(world, scan):
    unknown = scan("gate_a", "NOBODY")
    assert (unknown.verdict, unknown.reasons[0].code, unknown.person_id) == (
        "stop", "unknown_person", None)
    assert GateCheck.objects.get(pk=unknown.check_id).person is None
    code = personal_code_issue(person=world.persons["a1_student"])
    assert scan("gate_a", code[:-1] + ("A" if code[-1] != "A" else "B")).reasons[0].code == (
        "code_invalid")


def test_it_answers_404_for_a_person_of_another_school(world, scan):
    other = world.persons["b1_student"]
    with pytest.raises(Http404):
        scan("gate_a", personal_code_issue(person=other))
    with pytest.raises(Http404):
        scan("gate_a", "B2024001", school_id=other.school_id)
    assert not GateCheck.objects.exists()


def test_it_refuses_a_class_teacher(world, scan):
    with pytest.raises(Http404):
        scan("teacher_a1", "A2024001")


@pytest.mark.parametrize("typed", ["3.65", "365", "abc", "36.55", "50"])
def test_it_refuses_a_bad_temperature_naming_the_field(scan, typed):
    with pytest.raises(ValidationFailed) as caught:
        scan("gate_a", "A2024001", typed)
    assert caught.value.errors[0].field == "temperature"
    assert not GateCheck.objects.exists()


def test_it_is_idempotent_by_client_id(world, scan):
    first = scan("gate_a", "A2024001", client_id="same")
    checkin(world.persons["a1_student"], abnormal=True)
    again = scan("gate_a", "A2024001", client_id="same")
    assert again.duplicate and again.check_id == first.check_id
    assert again.verdict == first.verdict
    assert GateCheck.objects.count() == 1


def test_a_check_carries_the_local_day_of_its_scan(world, scan):
    late = timezone.make_aware(datetime.combine(timezone.localdate(), time(23, 50)))
    outcome = scan("gate_a", "A2024001", at=late)
    assert GateCheck.objects.get(pk=outcome.check_id).day == timezone.localdate()
    uploaded = _record(person_id=world.persons["a1_student"].pk,
                       at=(late - timedelta(days=1)).astimezone(UTC).isoformat())
    gate_checks_upload(actor=world.users["gate_a"], records=[uploaded])
    stored = GateCheck.objects.get(client_id=uploaded["client_id"])
    assert stored.day == timezone.localdate() - timedelta(days=1)  # Beijing's, not UTC's


def test_a_retry_just_past_midnight_returns_the_check_of_the_day_before(world, scan):
    """The client id is unique per day (the partition key): a try stored at 23:59:58 and
    retried at 00:00:30 is one check, not one each day."""
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    first = scan("gate_a", "A2024001", client_id="late", at=midnight - timedelta(seconds=2))
    again = scan("gate_a", "A2024001", client_id="late", at=midnight + timedelta(seconds=30))
    assert again.duplicate and again.check_id == first.check_id
    assert GateCheck.objects.count() == 1
    later = scan("gate_a", "A2024001", client_id="late", at=midnight + timedelta(hours=8))
    assert not later.duplicate  # a day on, the same client id is another scan's


def test_it_reads_and_writes_in_a_handful_of_queries(world, scan, django_assert_max_num_queries):
    checkin(world.persons["a1_student"])
    scan("gate_a", "A2024002")  # warms the per-process caches (grants, threshold)
    # Not in the minutes after midnight, when a scan also looks for yesterday's retry.
    noon = timezone.make_aware(datetime.combine(timezone.localdate(), time(12)))
    with django_assert_max_num_queries(2):
        outcome = scan("gate_a", personal_code_issue(person=world.persons["a1_student"]),
                       at=noon)
    assert outcome.verdict == "pass"


def test_it_keeps_deciding_when_the_pack_is_outdated(world, scan):
    from apps.policy.models import ProvincePolicy

    ProvincePolicy.objects.create(province_code="410000", pack_id="routine",
                                  pack_version="0-old", reason="test")
    checkin(world.persons["a1_student"])
    outcome = scan("gate_a", "A2024001", "38.0")
    assert outcome.verdict == "stop" and outcome.policy_outdated


# ---- offline upload --------------------------------------------------------------------

def _record(**more):
    record = {"client_id": client_id(), "at": timezone.now().isoformat(), "temperature": 36.5,
              "direction": "in", "verdict": "pass", "reasons": ["ok"]}
    record.update(more)
    return record


def test_it_uploads_offline_records_idempotently_and_names_bad_ones(world):
    gate = world.users["gate_a"]
    a1, a2 = world.persons["a1_student"], world.persons["a2_student"]
    records = [
        _record(person_id=a1.pk),
        _record(number="A2024101", verdict="stop", reasons=["fever"], temperature=38.4),
        _record(code=personal_code_issue(person=a2)),
        _record(person_id=a1.pk, temperature=365),
        _record(person_id=world.persons["b1_student"].pk),
        _record(person_id=a1.pk, direction="sideways"),
        _record(person_id=a1.pk, at=(timezone.now() + timedelta(hours=2)).isoformat()),
    ]
    outcome = gate_checks_upload(actor=gate, records=records)
    assert outcome.created == 3
    errors = {e["index"]: (e["field"], e["reason"]) for e in outcome.errors}
    assert errors == {3: ("temperature", "out_of_range"), 4: ("person_id", "unknown"),
                      5: ("direction", "invalid"), 6: ("at", "future")}
    stored = GateCheck.objects.filter(recorded_offline=True)
    assert sorted(stored.values_list("person_id", flat=True)) == sorted([a1.pk, a2.pk, a2.pk])
    again = gate_checks_upload(actor=gate, records=records[:3])
    assert (again.created, again.duplicates) == (0, 3)
    assert GateCheck.objects.count() == 3


def test_it_refuses_an_upload_for_another_school(world):
    with pytest.raises(Http404):
        gate_checks_upload(actor=world.users["gate_a"], school_id=world.schools["b"].pk,
                           records=[_record(number="B2024001")])


# ---- overrides -------------------------------------------------------------------------

def test_it_lets_an_authorised_person_override_a_stop_with_a_reason(world, scan):
    stopped = scan("gate_a", "A2024001", "38.5")
    admin = world.users["school_a_admin"]
    with pytest.raises(ValidationFailed):
        gate_check_override(actor=admin, check_id=stopped.check_id, reason=" ")
    check = gate_check_override(actor=admin, check_id=stopped.check_id,
                                reason="复测体温正常 36.8")
    assert check.overridden_by == admin and check.overridden_at
    log = AccessLog.objects.get(action="gate_override")
    assert log.object_id == str(check.pk) and log.reason == "复测体温正常 36.8"
    with pytest.raises(ValidationFailed):
        gate_check_override(actor=admin, check_id=stopped.check_id, reason="again")


def test_a_check_older_than_the_override_days_is_not_overridden(world, scan):
    from apps.gate.services import OVERRIDE_DAYS

    old = timezone.now() - timedelta(days=OVERRIDE_DAYS + 1)
    stopped = scan("gate_a", "A2024001", "38.5", at=old)
    with pytest.raises(Http404):
        gate_check_override(actor=world.users["school_a_admin"], check_id=stopped.check_id,
                            reason="let in")


def test_it_hides_checks_from_those_who_may_not_override(world, scan):
    stopped = scan("gate_a", "A2024001", "38.5")
    for persona in ("school_b_admin", "gate_a", "teacher_a1"):
        with pytest.raises(Http404):
            gate_check_override(actor=world.users[persona], check_id=stopped.check_id,
                                reason="let in")


def test_it_registers_a_terminal_with_a_scan_only_token(world):
    from apps.access.models import ApiToken

    admin, school = world.users["school_a_admin"], world.schools["a"]
    gate = gate_create(actor=admin, school_id=school.pk, name="东门")
    terminal, raw = terminal_register(actor=admin, school_id=school.pk, gate_id=gate.pk,
                                      name="东门1号机")
    token = ApiToken.objects.get(user=terminal.user)
    assert raw.startswith("sd_") and sorted(token.permissions) == ["gate.verdict",
                                                                   "status.gate"]
    with pytest.raises(Http404):
        gate_create(actor=world.users["school_b_admin"], school_id=school.pk, name="西门")


@pytest.mark.django_db(transaction=True)
def test_it_prepares_the_scan_query_again_when_the_server_lost_it(world, scan):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    checkin(world.persons["a1_student"])
    assert scan("gate_a", "A2024001").verdict == "pass"
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as after a reset, or a migration's changed plan
    assert scan("gate_a", "A2024001").verdict == "pass"
    assert GateCheck.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_it_records_every_scan_of_terminals_scanning_at_once(world, scan):
    """Concurrent scans share INSERTs (apps.core.db.Grouped): each is recorded once, each
    caller gets its own check, and a retry racing its original is a duplicate."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: the in-memory SQLite test database locks its tables")


    person = world.persons["a1_student"]
    checkin(person)
    outcomes, start = [], threading.Barrier(12)
    ids = [client_id() for _n in range(10)] + ["same-retry", "same-retry"]

    def one(cid):
        start.wait()
        try:
            outcomes.append((cid, scan("gate_a", "A2024001", client_id=cid)))
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(cid,)) for cid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 12
    assert GateCheck.objects.count() == 11
    stored = dict(GateCheck.objects.values_list("client_id", "id"))
    for cid, outcome in outcomes:
        assert outcome.check_id == stored[cid] and outcome.verdict == "pass"
    retries = [o for cid, o in outcomes if cid == "same-retry"]
    assert sorted(o.duplicate for o in retries) == [False, True]
