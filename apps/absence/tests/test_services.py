"""Registering sick absences, their cause and return, with the personas of the test province."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from apps.absence.models import SickAbsence
from apps.absence.services import absence_record_cause, absence_record_return
from apps.absence.tests.conftest import TODAY, days_ago
from apps.core.errors import ValidationFailed
from apps.followups.models import FollowUp

pytestmark = pytest.mark.django_db


def errors_of(exc_info) -> set[tuple[str, str]]:
    return {(e.field, e.reason) for e in exc_info.value.errors}


def test_it_registers_a_class_teacher_s_report_with_the_class_and_reporter(world, register):
    absence = register(symptoms=["fever", "cough"], temperature="38.6", diseases=["ili"])
    assert (absence.school_id, absence.klass_id) == (world.schools["a"].pk,
                                                     world.classes["a_c1"].pk)
    assert absence.reported_as == "teacher" and absence.reported_by == world.users["teacher_a1"]
    assert str(absence.temperature) == "38.6" and absence.symptoms == ["fever", "cough"]


@pytest.mark.parametrize("user,expected", [("guardian_a1", "guardian"), ("student_a1", "self"),
                                           ("reporter_a", "school"),
                                           ("school_a_admin", "school")])
def test_it_records_who_reported(register, user, expected):
    assert register(user=user).reported_as == expected


@pytest.mark.parametrize("user,person", [
    ("teacher_a2", "a1_student"),  # a teacher of another class
    ("guardian_a1", "a2_student"),  # a guardian, not of this child
    ("school_b_admin", "a1_student"),  # another school
    ("jinshui_bureau", "a1_student"),  # a bureau sees but does not report
    ("gate_a", "a1_student"),
])
def test_it_refuses_out_of_scope_reporters_with_a_404(register, user, person):
    with pytest.raises(Http404):
        register(user=user, person=person)
    assert not SickAbsence.objects.exists()


@pytest.mark.parametrize("fields,expected", [
    ({"first_day": TODAY + timedelta(days=1)}, ("first_day", "in_future")),
    ({"first_day": days_ago(31)}, ("first_day", "too_old")),
    ({"first_day": None}, ("first_day", "required")),
    ({"symptoms": [], "diseases": []}, ("symptoms", "required")),
    ({"symptoms": ["sneezing"]}, ("symptoms", "bad_choice")),
    ({"diseases": ["plague"]}, ("diseases", "bad_choice")),
    ({"temperature": "365"}, ("temperature", "out_of_range")),
    ({"temperature": "hot"}, ("temperature", "out_of_range")),
    ({"first_day": days_ago(2), "last_day": days_ago(3)}, ("last_day", "before_first_day")),
    ({"note": "x" * 201}, ("note", "too_long")),
])
def test_it_names_the_field_and_reason_of_bad_input(register, fields, expected):
    with pytest.raises(ValidationFailed) as exc:
        register(**fields)
    assert expected in errors_of(exc)
    assert not SickAbsence.objects.exists()


def test_it_refuses_a_second_absence_while_the_first_is_open(register):
    register(first_day=days_ago(2))
    with pytest.raises(ValidationFailed) as exc:
        register(first_day=days_ago(1))
    assert errors_of(exc) == {("first_day", "already_absent")}


def test_it_is_idempotent_by_client_id(register, world):
    first = register(client_id="phone-1")
    again = register(client_id="phone-1", symptoms=["rash"])
    assert again.pk == first.pk and SickAbsence.objects.count() == 1
    assert FollowUp.objects.filter(kind="absence_cause").count() == 1
    with pytest.raises(ValidationFailed) as exc:
        register(person="a1_student2", client_id="phone-1")
    assert errors_of(exc) == {("client_id", "reused")}


def test_it_opens_the_cause_follow_up_on_the_class_teacher_due_by_the_deadline(world, register):
    now = timezone.now()
    absence = register(user="guardian_a1", now=now)
    followup = FollowUp.objects.get(kind="absence_cause")
    assert followup.source == f"absence:{absence.pk}"
    assert followup.assignee == world.users["teacher_a1"]
    assert followup.due_at == absence.cause_due_at == now + timedelta(hours=24)


def test_it_takes_the_cause_deadline_from_the_schools_policy(world, register):
    """sick_absence_cause_hours, tightened by the county to 12: due half a day after."""
    from apps.policy.services import policy_override_set

    policy_override_set(actor=world.users["jinshui_bureau"], node=world.bureaus["jinshui"],
                        param="sick_absence_cause_hours", value=12, reason="当天查明病因")
    now = timezone.now()
    absence = register(user="guardian_a1", now=now)
    assert absence.cause_due_at == now + timedelta(hours=12)
    assert FollowUp.objects.get(kind="absence_cause").due_at == absence.cause_due_at


def test_it_records_the_cause_completes_the_follow_up_and_opens_the_return_check(world,
                                                                                 register):
    absence = register()
    done = absence_record_cause(actor=world.users["teacher_a1"], absence_id=absence.pk,
                                outcome="infectious", diagnosis="流行性感冒",
                                hospital="金水区人民医院", diseases=["ili"])
    assert (done.cause_outcome, done.cause_diagnosis, done.diseases) == (
        "infectious", "流行性感冒", ["ili"])
    assert FollowUp.objects.get(kind="absence_cause").status == "done"
    assert FollowUp.objects.get(kind="return_check").assignee == world.users["teacher_a1"]


def test_it_asks_for_the_diagnosis_of_an_infectious_cause(world, register):
    absence = register()
    with pytest.raises(ValidationFailed) as exc:
        absence_record_cause(actor=world.users["teacher_a1"], absence_id=absence.pk,
                             outcome="infectious")
    assert errors_of(exc) == {("diagnosis", "required")}


def test_it_lets_only_those_who_follow_up_record_a_cause(world, register):
    absence = register()
    for user in ("teacher_a2", "guardian_a1", "jinshui_bureau"):
        with pytest.raises(Http404):
            absence_record_cause(actor=world.users[user], absence_id=absence.pk,
                                 outcome="unknown")


def test_it_records_the_return_and_asks_for_a_certificate_when_too_early(world, register):
    absence = register(first_day=days_ago(2))
    teacher = world.users["teacher_a1"]
    with pytest.raises(ValidationFailed) as exc:
        absence_record_return(actor=teacher, absence_id=absence.pk, returned_on=days_ago(1))
    assert errors_of(exc) == {("returned_on", "too_early")}
    back = absence_record_return(actor=teacher, absence_id=absence.pk, returned_on=days_ago(1),
                                 certificate_seen=True)
    assert (back.returned_on, back.return_checked_by, back.return_certificate) == (
        days_ago(1), teacher, True)
    assert back.last_day == days_ago(2)
    with pytest.raises(ValidationFailed) as exc:
        absence_record_return(actor=teacher, absence_id=absence.pk, returned_on=TODAY)
    assert errors_of(exc) == {("returned_on", "already_returned")}


def test_it_accepts_a_return_after_the_hours_without_fever(world, register):
    absence = register(first_day=days_ago(3))
    back = absence_record_return(actor=world.users["reporter_a"], absence_id=absence.pk,
                                 returned_on=days_ago(1))
    assert back.returned_on == days_ago(1) and not back.return_certificate
    register(first_day=TODAY)  # back, so a new absence may start


def test_it_lets_a_new_absence_start_after_the_expected_last_day(register):
    register(first_day=days_ago(6), last_day=days_ago(4))
    assert register(first_day=days_ago(1)).first_day == days_ago(1)
