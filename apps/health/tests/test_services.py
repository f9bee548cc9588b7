"""Submitting check-ins: who may, every validation case, idempotence and corrections, the
abnormal flag and the status recompute it leads to."""

from decimal import Decimal

import pytest
from django.http import Http404

from apps.core.errors import ValidationFailed
from apps.health.models import CheckIn, CheckInRevision
from apps.health.signals import checkins_changed
from apps.health.tests.conftest import at, errors_of
from apps.people.models import Residence
from apps.policy.models import PolicyOverride

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls = []

    def receiver(sender, school_id, person_ids, **kwargs):
        calls.append((school_id, person_ids))

    checkins_changed.connect(receiver)
    yield calls
    checkins_changed.disconnect(receiver)


# Who ------------------------------------------------------------------------------------


@pytest.mark.parametrize("user, as_", [
    ("student_a1", "self"), ("guardian_a1", "guardian"), ("teacher_a1", "teacher"),
    ("school_a_admin", "staff"),
])
def test_it_records_who_submitted_and_as_what(world, submit, user, as_):
    row = submit(user=user)
    assert (row.submitted_as, row.submitted_by, row.outcome) == (as_, world.users[user],
                                                                 "created")
    assert (row.school_id, row.day, row.slot) == (world.schools["a"].pk, at(7).date(),
                                                  "morning")


@pytest.mark.parametrize("user, person", [
    ("teacher_a2", "a1_student"),  # teacher of another class
    ("guardian_a1", "a2_student"),  # not their child
    ("student_a1", "a1_student2"),  # a classmate
    ("jinshui_bureau", "a1_student"),  # bureaus watch, they do not check in
    ("teacher_b1", "a1_student"),  # another school
])
def test_it_answers_404_outside_the_actors_scope(world, submit, user, person):
    with pytest.raises(Http404):
        submit(user=user, person=person)
    assert not CheckIn.objects.exists()


def test_it_lets_a_class_teacher_check_in_for_their_own_staff_record(world, submit):
    row = submit(user="teacher_a1", person="a_staff", household_symptoms=None,
                 household_travel=None)
    assert row.submitted_as == "self" and row.household_symptoms is None


# Temperature ----------------------------------------------------------------------------


@pytest.mark.parametrize("given, stored", [
    ("36.6", Decimal("36.6")), (36.55, Decimal("36.6")), ("３６．５", Decimal("36.5")),
    ("37,2 ℃", Decimal("37.2")), (34, Decimal("34.0")), ("43.0", Decimal("43.0")),
])
def test_it_accepts_a_temperature_in_range_to_one_decimal(submit, given, stored):
    assert submit(temperature=given).temperature == stored


@pytest.mark.parametrize("given, reason, meant", [
    ("3.65", "decimal_point_misplaced", "36.5"),
    ("365", "decimal_point_missing", "36.5"),
    ("372", "decimal_point_missing", "37.2"),
    ("97.7", "fahrenheit", "36.5"),
    ("33.9", "out_of_range", None),
    ("43.1", "out_of_range", None),
    ("1000", "out_of_range", None),
    ("hot", "not_a_number", None),
    ("NaN", "not_a_number", None),
    ("", "required", None),
    (None, "required", None),
])
def test_it_refuses_a_wrong_temperature_saying_what_was_meant(submit, given, reason, meant):
    with pytest.raises(ValidationFailed) as exc:
        submit(temperature=given)
    assert errors_of(exc) == {("temperature", reason)}
    if meant:
        assert f"{meant} °C" in exc.value.errors[0].message
    assert not CheckIn.objects.exists()


# Symptoms, region, household, slot --------------------------------------------------------


def test_it_keeps_symptoms_in_the_coded_lists_order_once_each(submit):
    row = submit(symptoms=["rash", "cough", "rash"])
    assert row.symptoms == ["cough", "rash"] and row.abnormal and not row.fever


def test_it_names_each_unknown_symptom(submit):
    with pytest.raises(ValidationFailed) as exc:
        submit(symptoms=["cough", "headache", "sneezing"])
    assert errors_of(exc) == {("symptoms.1", "unknown_symptom"),
                              ("symptoms.2", "unknown_symptom")}


def test_it_resolves_where_the_person_is_by_code_or_name(submit):
    assert submit(region="河南郑州金水").region_id == "410105"
    assert submit(person="a1_student2", region="310115").region_id == "310115"


def test_it_refuses_an_unknown_region(submit):
    with pytest.raises(ValidationFailed) as exc:
        submit(region="火星")
    assert errors_of(exc) == {("region", "unknown_region")}


def test_it_requires_the_household_questions_of_a_day_student(submit):
    with pytest.raises(ValidationFailed) as exc:
        submit(household_symptoms=None, household_travel="")
    assert errors_of(exc) == {("household_symptoms", "required"),
                              ("household_travel", "required")}


def test_it_reads_yes_and_no_answers_and_refuses_others(submit):
    row = submit(household_symptoms="no", household_travel="是")
    assert (row.household_symptoms, row.household_travel) == (False, True)
    with pytest.raises(ValidationFailed) as exc:
        submit(person="a1_student2", household_symptoms="maybe")
    assert errors_of(exc) == {("household_symptoms", "bad_choice")}


def test_it_does_not_ask_a_boarder_about_a_household(world, submit):
    boarder = world.persons["a1_student2"]
    boarder.residence = Residence.BOARDER
    boarder.save()
    row = submit(person="a1_student2", household_symptoms=None, household_travel=True)
    assert (row.household_symptoms, row.household_travel) == (None, None)


def test_it_has_an_evening_check_for_boarders_only(world, submit):
    with pytest.raises(ValidationFailed) as exc:
        submit(slot="evening", now=at(20))
    assert errors_of(exc) == {("slot", "not_checked")}
    boarder = world.persons["a1_student2"]
    boarder.residence = Residence.BOARDER
    boarder.save()
    assert submit(person="a1_student2", slot="evening", now=at(20)).slot == "evening"


def test_it_refuses_a_slot_not_open_yet_or_unknown(submit):
    with pytest.raises(ValidationFailed) as exc:
        submit(slot="noon", now=at(9))
    assert errors_of(exc) == {("slot", "not_open")}
    with pytest.raises(ValidationFailed) as exc:
        submit(slot="midnight")
    assert errors_of(exc) == {("slot", "bad_choice")}


def test_it_takes_the_slots_and_the_fever_line_from_the_policy_parameters():
    from apps.health.rules import rules_from_params

    rules = rules_from_params({"morning_check": True, "noon_check": False,
                               "fever_threshold_celsius": 37.5})
    assert rules.slots_for("day") == ("morning",)
    assert rules.slots_for("boarder") == ("morning", "evening")
    assert rules.fever == Decimal("37.5")
    # A pack without the parameters (henan-2022) checks morning and noon, fever at 37.3.
    assert rules_from_params({}).slots_for("day") == ("morning", "noon")
    assert rules_from_params({}).fever == Decimal("37.3")


def test_it_refuses_a_slot_the_policy_does_not_check(world, submit, monkeypatch):
    from apps.health import services
    from apps.health.rules import rules_from_params

    monkeypatch.setattr(services, "rules_for_school",
                        lambda school_id: rules_from_params({"noon_check": False}))
    with pytest.raises(ValidationFailed) as exc:
        submit(slot="noon", now=at(12))
    assert errors_of(exc) == {("slot", "not_checked")}


def test_it_reports_every_bad_field_at_once(submit):
    with pytest.raises(ValidationFailed) as exc:
        submit(temperature="365", symptoms=["x"], household_travel=None, client_id="",
               note="n" * 201)
    assert {f for f, _r in errors_of(exc)} == {"temperature", "symptoms.0", "household_travel",
                                               "client_id", "note"}


# Abnormal and fever ----------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, abnormal, fever", [
    ({"temperature": "37.2"}, False, False),
    ({"temperature": "37.3"}, True, True),  # the routine pack's threshold
    ({"symptoms": ["diarrhoea"]}, True, False),
    ({"household_symptoms": True}, True, False),
    ({"household_travel": True}, False, False),
])
def test_it_marks_fever_and_symptoms_of_the_person_or_household_abnormal(submit, kwargs,
                                                                         abnormal, fever):
    row = submit(**kwargs)
    assert (row.abnormal, row.fever) == (abnormal, fever)


def test_it_uses_a_tightened_fever_threshold(world, submit):
    PolicyOverride.objects.create(pack_id="routine", school=world.schools["a"],
                                  param="fever_threshold_celsius", value=37.0, reason="test",
                                  province_code="410000")
    assert submit(temperature="37.1").fever


def test_it_sends_checkins_changed_for_abnormal_check_ins_only(
        world, submit, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(temperature="36.5")
    assert received == []
    with django_capture_on_commit_callbacks(execute=True):
        row = submit(person="a1_student2", temperature="38.4", symptoms=["cough"])
    assert received == [(row.school_id, [row.person_id])]


def test_it_recomputes_the_status_after_a_fever(world, submit, django_capture_on_commit_callbacks,
                                                settings):
    from apps.status.models import PersonStatus, PersonStatusChange

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        submit(temperature="38.5", symptoms=["cough"], now=None)
    status = PersonStatus.objects.get(person=world.persons["a1_student"])
    assert status.category == "home_monitoring"
    change = PersonStatusChange.objects.get(person=world.persons["a1_student"])
    assert (change.cause, change.category) == ("checkin", "home_monitoring")


# Idempotence and corrections ---------------------------------------------------------------


def test_it_returns_the_first_row_for_a_retry_with_the_same_client_id(submit, received,
                                                                       django_capture_on_commit_callbacks):
    first = submit(client_id="abc", temperature="38.0")
    with django_capture_on_commit_callbacks(execute=True):
        again = submit(client_id="abc", temperature="38.0")
    assert (again.pk, again.outcome) == (first.pk, "replayed")
    assert CheckIn.objects.count() == 1 and received == []


def test_it_refuses_a_client_id_reused_for_other_answers_or_people(submit):
    submit(client_id="abc")
    with pytest.raises(ValidationFailed) as exc:
        submit(client_id="abc", temperature="36.9")
    assert errors_of(exc) == {("client_id", "client_id_reused")}
    with pytest.raises(ValidationFailed) as exc:
        submit(person="a1_student2", client_id="abc")
    assert errors_of(exc) == {("client_id", "client_id_reused")}
    assert CheckIn.objects.count() == 1


def test_it_corrects_the_slot_with_a_new_client_id_and_keeps_the_old_answers(world, submit):
    first = submit(client_id="one", temperature="38.2")
    second = submit(user="teacher_a1", client_id="two", temperature="36.4")
    assert (second.pk, second.outcome) == (first.pk, "corrected")
    row = CheckIn.objects.get()
    assert (row.temperature, row.abnormal, row.client_id, row.submitted_as) == (
        Decimal("36.4"), False, "two", "teacher")
    revision = CheckInRevision.objects.get()
    assert (revision.client_id, revision.values["temperature"], revision.values["abnormal"],
            revision.replaced_by) == ("one", "38.2", True, world.users["teacher_a1"])


def test_it_ignores_a_late_retry_of_a_superseded_submission(submit):
    submit(client_id="one", temperature="38.2")
    submit(client_id="two", temperature="36.4")
    late = submit(client_id="one", temperature="38.2")
    assert late.outcome == "replayed" and late.temperature == Decimal("36.4")
    assert CheckIn.objects.get().temperature == Decimal("36.4")
    assert CheckInRevision.objects.count() == 1


def test_it_recomputes_when_a_correction_clears_a_fever(submit, received,
                                                        django_capture_on_commit_callbacks):
    submit(client_id="one", temperature="38.2")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client_id="two", temperature="36.4")
    assert len(received) == 1


def test_it_loads_the_policy_of_a_schools_whole_bureau_at_once(world):
    from apps.health import rules
    from apps.orgs.models import School

    sibling = School.objects.create(name="金水区第二中学", code="4101050002", kind="junior",
                                    boarding="day", region_id="410105",
                                    bureau=world.bureaus["jinshui"])
    rules.rules_for_school(world.schools["a"].pk)
    assert set(rules._cache) == {world.schools["a"].pk, sibling.pk}  # not school B's bureau


@pytest.mark.django_db(transaction=True)
def test_it_records_check_ins_submitted_at_once_each_once(world, submit):
    """Concurrent submissions: every person's row is
    written once, a retry racing its original is answered with the same row, and a second
    answer for the same slot is a correction."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: the in-memory SQLite test database locks its tables")


    people = ["a1_student", "a1_student2", "a2_student", "b1_student"]
    users = {"a1_student": "teacher_a1", "a1_student2": "teacher_a1",
             "a2_student": "teacher_a2", "b1_student": "school_b_admin"}
    calls = [(p, f"first-{p}", "36.6") for p in people]
    calls += [("a1_student", "first-a1_student", "36.6"), ("a2_student", "fix-a2", "38.4")]
    done, start = [], threading.Barrier(len(calls))

    def one(person, cid, temperature):
        start.wait()
        try:
            done.append((person, cid, submit(user=users[person], person=person,
                                              client_id=cid, temperature=temperature)))
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(done) == len(calls)
    assert CheckIn.objects.count() == len(people)
    retried = [row for person, cid, row in done if cid == "first-a1_student"]
    assert {row.pk for row in retried} == {CheckIn.objects.get(client_id="first-a1_student").pk}
    assert sorted(row.outcome for row in retried) == ["created", "replayed"]
    a2 = CheckIn.objects.get(person=world.persons["a2_student"])
    assert CheckInRevision.objects.filter(checkin=a2).count() == 1  # one superseded answer


def test_it_reads_a_guardians_child_from_the_guardians_grants(world, submit,
                                                             django_assert_num_queries):
    from apps.access.grants import grants_for
    from apps.health.rules import rules_for_school

    guardian = world.users["guardian_a1"]
    grants_for(guardian)  # as the token's statement read them
    rules_for_school(world.persons["a1_student"].school_id)  # kept per process
    with django_assert_num_queries(1):  # the INSERT only
        row = submit(user="guardian_a1")
    assert row.outcome == "created" and row.school_id == world.persons["a1_student"].school_id


def test_it_refuses_a_guardians_inactive_child(world, submit):
    child = world.persons["a1_student"]
    child.active = False
    child.save()
    with pytest.raises(Http404):
        submit(user="guardian_a1")
