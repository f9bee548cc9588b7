"""Transfers: the sending school asks, the receiving school accepts into a class (one
transaction: the record moves with its current facts, its history stays) or refuses; bad
input is named by field and reason and writes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.families.models import BindingCode
from apps.followups.models import FollowUp
from apps.health.models import CheckIn
from apps.notifications.models import Notification
from apps.orgs.models import DormRoom, SchoolClass
from apps.people.models import Guardianship, HouseholdMember, Person
from apps.status.facts import load_facts
from apps.status.models import PersonStatus, PersonStatusChange
from apps.transfers.models import Transfer, TransferState
from apps.transfers.moves import PERSON_ROWS, person_keyed_models
from apps.transfers.services import (
    transfer_accept,
    transfer_cancel,
    transfer_refuse,
    transfer_request,
)
from apps.travel.models import TripLeg

pytestmark = pytest.mark.django_db


def _ask(world, key="a1_student", by="school_a_admin", to="b", **extra) -> Transfer:
    return transfer_request(actor=world.users[by], person_id=world.persons[key].pk,
                            to_school_id=world.schools[to].pk, **extra)


def _accept(world, transfer, klass="b_c1", by="school_b_admin", **extra) -> Transfer:
    return transfer_accept(actor=world.users[by], transfer_id=transfer.pk,
                           to_class_id=world.classes[klass].pk, **extra)


def _errors(exc) -> list[tuple[str, str]]:
    return [(e.field, e.reason) for e in exc.value.errors]


def _facts_at_a(world, person):
    """A day in the child's life at the sending school: a status, a trip, a check-in, a
    closed and an open follow-up, an unused binding code, a dorm bed."""
    a, now = world.schools["a"], timezone.now()
    room = DormRoom.objects.create(school=a, building="1号楼", room="101", beds=4)
    person.dorm_room, person.residence = room, "boarder"
    person.save()
    PersonStatus.objects.create(school=a, person=person, category="home_monitoring",
                                pack="routine", pack_version="1")
    PersonStatusChange.objects.create(school=a, person=person, category="home_monitoring",
                                      pack="routine", pack_version="1")
    today = timezone.localdate()
    TripLeg.objects.create(school=a, person=person, from_region_id="410105",
                           to_region_id="410305", depart=today - timedelta(days=3),
                           arrive=today - timedelta(days=2), transport="train")
    CheckIn.objects.create(school=a, person=person, day=today, slot="morning",
                           submitted_as="self", client_id="before-transfer")
    for status, source in (("open", "open-one"), ("done", "closed-one")):
        FollowUp.objects.create(school=a, person=person, kind="other", source=source,
                                title_zh="跟进", title_en="Follow up", status=status,
                                assignee=world.users["teacher_a1"])
    BindingCode.objects.create(school=a, person=person, code_hash="x" * 64,
                               expires_at=now + timedelta(days=7))


def test_it_moves_the_record_and_its_current_facts_and_leaves_the_history(world):
    child = world.persons["a1_student"]
    _facts_at_a(world, child)
    transfer = _ask(world, reason="搬家")
    assert (transfer.state, transfer.from_class) == (TransferState.REQUESTED,
                                                     world.classes["a_c1"])
    _accept(world, transfer)
    a, b = world.schools["a"], world.schools["b"]
    child.refresh_from_db()
    assert (child.school, child.klass, child.unit, child.dorm_room) == (
        b, world.classes["b_c1"], world.units["b_grade"], None)
    assert child.history.first().history_change_reason == f"transfer {transfer.pk}"
    # current facts moved
    assert Guardianship.objects.get(person=child).school == b
    assert set(HouseholdMember.objects.filter(person=child).values_list("school", flat=True)) \
        == {b.pk}
    assert PersonStatus.objects.get(person=child).school == b
    moved = FollowUp.objects.get(person=child, source="open-one")
    assert (moved.school, moved.assignee) == (b, world.users["teacher_b1"])
    # history stayed
    assert FollowUp.objects.get(person=child, source="closed-one").school == a
    assert CheckIn.objects.get(person=child).school == a
    assert TripLeg.objects.get(person=child).school == a
    assert PersonStatusChange.objects.filter(person=child, school=a).count() == 1
    assert BindingCode.objects.get(person=child).voided_at is not None
    transfer.refresh_from_db()
    assert (transfer.state, transfer.decided_by) == (TransferState.ACCEPTED,
                                                     world.users["school_b_admin"])
    told = Notification.objects.filter(link=f"/transfers/{transfer.pk}/")
    assert sorted(told.values_list("recipient__username", "subject_zh")) == [
        ("school_a_admin", "张小明 已接收到 七年级1班"),
        ("school_b_admin", "金水区第一中学 请求贵校接收 张小明")]


def test_the_engine_still_reads_the_trip_declared_at_the_sending_school(world):
    child = world.persons["a1_student"]
    _facts_at_a(world, child)
    _accept(world, _ask(world))
    facts = load_facts(school_id=world.schools["b"].pk, person_ids=[child.pk],
                       today=timezone.localdate(), now=timezone.now())
    assert [leg.to_region for leg in facts[child.pk].trips] == ["410305"]


def test_accepting_twice_into_the_same_class_changes_nothing(world):
    transfer = _ask(world)
    _accept(world, transfer)
    rows = Person.history.filter(id=world.persons["a1_student"].pk).count()
    again = _accept(world, transfer)
    assert again.state == TransferState.ACCEPTED
    assert Person.history.filter(id=world.persons["a1_student"].pk).count() == rows
    with pytest.raises(ValidationFailed) as exc:
        _accept(world, transfer, klass="b_c2")
    assert _errors(exc) == [("transfer_id", "decided")]


@pytest.mark.parametrize(("case", "expected"), [
    ("another_schools_student", [("person_id", "not_found")]),
    ("staff", [("person_id", "not_student")]),
    ("same_school", [("to_school_id", "same_school")]),
    ("no_school", [("to_school_id", "not_found")]),
    ("second_open", [("person_id", "open_transfer")]),
    ("long_reason", [("reason", "too_long")]),
])
def test_it_refuses_a_bad_request_naming_the_field(world, case, expected):
    calls = {
        "another_schools_student": lambda: _ask(world, key="b1_student"),
        "staff": lambda: _ask(world, key="a_staff"),
        "same_school": lambda: _ask(world, to="a"),
        "no_school": lambda: transfer_request(actor=world.users["school_a_admin"],
                                              person_id=world.persons["a1_student"].pk,
                                              to_school_id=10**9),
        "second_open": lambda: _ask(world),
        "long_reason": lambda: _ask(world, key="a2_student", reason="很" * 201),
    }
    if case == "second_open":
        _ask(world)
    before = Transfer.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        calls[case]()
    assert _errors(exc) == expected
    assert Transfer.objects.count() == before


@pytest.mark.parametrize(("case", "expected"), [
    ("class_of_another_school", [("to_class_id", "not_found")]),
    ("number_taken", [("number", "taken")]),
    ("sender_accepts", [("transfer_id", "other_side")]),
])
def test_it_refuses_a_bad_accept_and_moves_nothing(world, case, expected):
    transfer = _ask(world)
    if case == "number_taken":
        world.persons["b1_student"].number = "A2024001"
        world.persons["b1_student"].save()
    calls = {
        "class_of_another_school": lambda: _accept(world, transfer, klass="a_c2"),
        "number_taken": lambda: _accept(world, transfer),
        "sender_accepts": lambda: _accept(world, transfer, by="school_a_admin"),
    }
    with pytest.raises(ValidationFailed) as exc:
        calls[case]()
    assert _errors(exc) == expected
    child = Person.objects.get(pk=world.persons["a1_student"].pk)
    assert child.school == world.schools["a"]
    assert Guardianship.objects.get(person=child).school == world.schools["a"]
    assert Transfer.objects.get(pk=transfer.pk).state == TransferState.REQUESTED


def test_a_new_number_makes_room_when_the_old_one_is_taken(world):
    world.persons["b1_student"].number = "A2024001"
    world.persons["b1_student"].save()
    _accept(world, _ask(world), number="B2026009")
    assert Person.objects.get(pk=world.persons["a1_student"].pk).number == "B2026009"


def test_the_receiver_refuses_with_a_reason_and_the_sender_may_ask_again(world):
    transfer = _ask(world)
    with pytest.raises(ValidationFailed) as exc:
        transfer_refuse(actor=world.users["school_b_admin"], transfer_id=transfer.pk, reason="")
    assert _errors(exc) == [("reason", "required")]
    transfer_refuse(actor=world.users["school_b_admin"], transfer_id=transfer.pk,
                    reason="学位已满")
    transfer.refresh_from_db()
    assert (transfer.state, transfer.decision_reason) == (TransferState.REFUSED, "学位已满")
    with pytest.raises(ValidationFailed) as exc:
        _accept(world, transfer)
    assert _errors(exc) == [("transfer_id", "decided")]
    assert _ask(world).state == TransferState.REQUESTED


def test_only_the_sender_cancels_and_only_while_it_waits(world):
    transfer = _ask(world)
    with pytest.raises(ValidationFailed) as exc:
        transfer_cancel(actor=world.users["school_b_admin"], transfer_id=transfer.pk)
    assert _errors(exc) == [("transfer_id", "other_side")]
    transfer_cancel(actor=world.users["school_a_admin"], transfer_id=transfer.pk, reason="不转了")
    assert Transfer.objects.get(pk=transfer.pk).state == TransferState.CANCELLED
    with pytest.raises(ValidationFailed) as exc:
        transfer_cancel(actor=world.users["school_a_admin"], transfer_id=transfer.pk)
    assert _errors(exc) == [("transfer_id", "decided")]


def test_every_table_keyed_by_a_person_is_classified():
    found = {m._meta.label for m in person_keyed_models()}
    assert found - set(PERSON_ROWS) == set(), "say in apps/transfers/moves.py whether they move"
    assert set(PERSON_ROWS) - found == set()


def test_a_class_of_the_receiving_school_that_is_closed_is_refused(world):
    transfer = _ask(world)
    SchoolClass.objects.filter(pk=world.classes["b_c1"].pk).update(closed_at=timezone.now())
    with pytest.raises(ValidationFailed) as exc:
        _accept(world, transfer)
    assert _errors(exc) == [("to_class_id", "not_found")]
