"""Revealing a document, guardians (consent under 14) and households."""

import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.utils import timezone

from apps.access.models import AccessLog
from apps.core.errors import ValidationFailed
from apps.people.models import Guardianship, HouseholdMember
from apps.people.services import (
    guardian_link,
    guardian_unlink,
    household_member_add,
    household_member_remove,
    household_member_update,
    person_create,
    person_reveal_document,
    person_update,
)
from apps.people.tests.helpers import student_args
from shaodian.testing.world import make_id_number

pytestmark = pytest.mark.django_db


def reasons(exc_info) -> set[tuple[str, str]]:
    return {(e.field, e.reason) for e in exc_info.value.errors}


# Reveal --------------------------------------------------------------------------------


def test_it_reveals_the_document_to_a_school_admin_and_logs_it(world):
    person = world.persons["a1_student"]
    admin = world.users["school_a_admin"]
    number = person_reveal_document(actor=admin, person=person, reason="核对学籍", ip="10.1.2.3")
    assert number == person.plain_document
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.fields, entry.reason, entry.ip) == (
        admin,
        "reveal_document",
        "doc_number",
        "核对学籍",
        "10.1.2.3",
    )
    assert (entry.object_type, entry.object_id, entry.school_id) == (
        "people.person",
        str(person.pk),
        person.school_id,
    )


@pytest.mark.parametrize(
    "username",
    [
        "teacher_a1",
        "unit_lead_a",
        "guardian_a1",
        "student_a1",
        "school_b_admin",
        "zhongyuan_bureau",
        "gate_a",
    ],
)
def test_it_refuses_the_reveal_out_of_scope_and_logs_nothing(world, username):
    with pytest.raises(Http404):
        person_reveal_document(
            actor=world.users[username], person=world.persons["a1_student"], reason="好奇"
        )
    assert not AccessLog.objects.exists()


def test_it_lets_a_bureau_reveal_in_its_county(world):
    number = person_reveal_document(
        actor=world.users["jinshui_bureau"], person=world.persons["a2_student"], reason="流调"
    )
    assert number == world.persons["a2_student"].plain_document


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_it_needs_a_reason(world, reason):
    with pytest.raises(ValidationFailed) as exc:
        person_reveal_document(
            actor=world.users["school_a_admin"], person=world.persons["a1_student"], reason=reason
        )
    assert reasons(exc) == {("reason", "required")}
    assert not AccessLog.objects.exists()


def test_it_never_logs_the_number(world, caplog):
    """Every log record of a reveal, a document change and a refused number, SQL included
    (the debug cursor logs each statement with its parameters), is free of the number."""
    person = world.persons["a1_student"]
    number = person.plain_document
    new_number = make_id_number("410102", person.birth_date, 41)
    admin = world.users["school_a_admin"]
    connection.force_debug_cursor = True
    try:
        with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, "django.db.backends"):
            assert person_reveal_document(actor=admin, person=person, reason="核对") == number
            person_update(actor=admin, person=person, doc_number=new_number)
            with pytest.raises(ValidationFailed) as exc:
                person_update(actor=admin, person=person, doc_number=number[:-1] + "Y")
    finally:
        connection.force_debug_cursor = False
    messages = [record.getMessage() for record in caplog.records]
    assert any("people_accesslog" in m or "access_accesslog" in m for m in messages)
    for text in [*messages, str(exc.value)]:
        for secret in (number, new_number, number[:17], new_number[:17]):
            assert secret not in text
    entry = AccessLog.objects.get()
    assert number not in " ".join(str(v) for v in entry.__dict__.values())


# Guardians -----------------------------------------------------------------------------


@pytest.fixture
def child(world):
    """A pupil who turns 14 tomorrow: still a child whose guardian must consent."""
    today = timezone.localdate()
    born = (today + timedelta(days=1)).replace(year=today.year - 14)
    return person_create(
        **student_args(
            world,
            number="A2024301",
            birth_date=born,
            sex=None,
            doc_number=make_id_number("410105", born, 51),
            klass=world.classes["a_c2"],
        )
    )


def test_it_refuses_a_guardian_of_a_child_under_14_without_consent(world, child):
    with pytest.raises(ValidationFailed) as exc:
        guardian_link(
            actor=world.users["school_a_admin"],
            person=child,
            user=world.users["guardian_a1"],
            relation="父亲",
        )
    assert reasons(exc) == {("consent_at", "consent_required")}
    assert "14" in exc.value.errors[0].message
    assert not Guardianship.objects.filter(person=child).exists()


def test_it_records_the_consent(world, child):
    consent = timezone.now() - timedelta(days=1)
    link = guardian_link(
        actor=world.users["teacher_a2"],
        person=child,
        user=world.users["guardian_a1"],
        relation="父亲",
        consent_at=consent,
    )
    assert Guardianship.objects.get(pk=link.pk).consent_at == consent
    # the guardian now sees the child
    from apps.people.selectors import person_get

    guardian = world.users["guardian_a1"]
    guardian._shaodian_grants = None
    assert person_get(user=guardian, pk=child.pk) == child


def test_it_needs_no_consent_from_14(world):
    today = timezone.localdate()
    born = today.replace(year=today.year - 14)  # 14 today
    teen = person_create(
        **student_args(
            world,
            number="A2024302",
            birth_date=born,
            sex=None,
            doc_number=make_id_number("410105", born, 53),
        )
    )
    link = guardian_link(
        actor=world.users["school_a_admin"],
        person=teen,
        user=world.users["guardian_a1"],
        relation="母亲",
    )
    assert link.consent_at is None


def test_it_refuses_bad_guardian_links(world):
    child = world.persons["a1_student"]
    with pytest.raises(ValidationFailed) as exc:
        guardian_link(
            actor=world.users["school_a_admin"],
            person=child,
            user=world.users["student_a1"],
            relation="",
            consent_at=timezone.now() + timedelta(days=2),
        )
    assert reasons(exc) == {("relation", "required"), ("user", "self"), ("consent_at", "future")}


def test_it_updates_an_existing_link_and_keeps_its_consent(world):
    child = world.persons["a1_student"]
    consent = timezone.now() - timedelta(days=3)
    guardian_link(
        actor=world.users["school_a_admin"],
        person=child,
        user=world.users["guardian_a1"],
        relation="父亲",
        consent_at=consent,
    )
    link = guardian_link(
        actor=world.users["school_a_admin"],
        person=child,
        user=world.users["guardian_a1"],
        relation="监护人",
    )
    assert Guardianship.objects.filter(person=child).count() == 1
    assert (link.relation, link.consent_at) == ("监护人", consent)


def test_it_hides_children_out_of_scope_from_guardian_links(world):
    with pytest.raises(Http404):
        guardian_link(
            actor=world.users["teacher_a1"],
            person=world.persons["a2_student"],
            user=world.users["guardian_a1"],
            relation="父亲",
            consent_at=timezone.now(),
        )
    link = Guardianship.objects.get(person=world.persons["a1_student"])
    with pytest.raises(Http404):
        guardian_unlink(actor=world.users["teacher_a2"], guardianship=link)
    guardian_unlink(actor=world.users["teacher_a1"], guardianship=link)
    assert not Guardianship.objects.filter(pk=link.pk).exists()


# Households ----------------------------------------------------------------------------


def test_it_adds_updates_and_removes_a_co_resident(world):
    person = world.persons["a1_student"]
    teacher = world.users["teacher_a1"]
    member = household_member_add(
        actor=teacher,
        person=person,
        name="张妈妈",
        relation="母亲",
        phone="139 0000 1111",
        occupation="护士",
        residence_region_code="410105",
    )
    assert (member.school_id, member.phone) == (person.school_id, "13900001111")
    member = household_member_update(actor=teacher, member=member, occupation="医生")
    assert HouseholdMember.objects.get(pk=member.pk).occupation == "医生"
    assert member.history.latest().history_user == teacher
    household_member_remove(actor=teacher, member=member)
    assert not HouseholdMember.objects.filter(pk=member.pk).exists()


def test_it_refuses_bad_co_residents(world):
    person = world.persons["a1_student"]
    with pytest.raises(ValidationFailed) as exc:
        household_member_add(
            actor=world.users["school_a_admin"],
            person=person,
            name="张奶奶",
            relation="祖母",
            phone="12",
            residence_region_code="123456",
        )
    assert reasons(exc) == {
        ("name", "duplicate"),
        ("phone", "bad_phone"),
        ("residence_region_code", "unknown_region"),
    }
    with pytest.raises(ValidationFailed) as exc:
        household_member_add(
            actor=world.users["school_a_admin"], person=person, name="", relation=""
        )
    assert reasons(exc) == {("name", "required"), ("relation", "required")}
    assert HouseholdMember.objects.filter(person=person).count() == 1


def test_it_records_co_residents_of_day_residents_only(world):
    person = world.persons["a1_student"]
    person.residence = "boarder"
    person.save()
    with pytest.raises(ValidationFailed) as exc:
        household_member_add(
            actor=world.users["school_a_admin"], person=person, name="张妈妈", relation="母亲"
        )
    assert reasons(exc) == {("person", "not_day_resident")}


def test_it_hides_households_out_of_scope(world):
    member = HouseholdMember.objects.get(person=world.persons["a2_student"])
    for username in ("teacher_a1", "guardian_a1", "school_b_admin", "jinshui_bureau"):
        with pytest.raises(Http404):
            household_member_update(actor=world.users[username], member=member, occupation="x")
        with pytest.raises(Http404):
            household_member_remove(actor=world.users[username], member=member)
        with pytest.raises(Http404):
            household_member_add(
                actor=world.users[username],
                person=world.persons["a2_student"],
                name="陈奶奶",
                relation="祖母",
            )
    assert HouseholdMember.objects.filter(person=world.persons["a2_student"]).count() == 1
