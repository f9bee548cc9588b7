"""Who sees what after a transfer, through the scope layer: the sending school keeps the
history made while the child was theirs and sees nothing after; the receiving school sees the
child from the transfer on; the new class teacher sees the child, the old one no longer; the
guardian keeps the child; each school's bureau sees the transfer, another county's does not."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.health.models import CheckIn
from apps.people.models import Person
from apps.transfers.models import Transfer
from apps.transfers.services import transfer_accept, transfer_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(world):
    child, today = world.persons["a1_student"], timezone.localdate()
    before = CheckIn.objects.create(school=world.schools["a"], person=child,
                                    day=today - timedelta(days=1), slot="morning",
                                    submitted_as="self", client_id="before")
    transfer = transfer_request(actor=world.users["school_a_admin"], person_id=child.pk,
                                to_school_id=world.schools["b"].pk)
    transfer_accept(actor=world.users["school_b_admin"], transfer_id=transfer.pk,
                    to_class_id=world.classes["b_c1"].pk)
    after = CheckIn.objects.create(school=world.schools["b"], person=child, day=today,
                                   slot="morning", submitted_as="self", client_id="after")
    return {"child": child, "before": before, "after": after, "transfer": transfer}


def _checkins(world, username, perm="health.view") -> set[str]:
    return set(CheckIn.objects.restrict(world.users[username], perm)
               .filter(person=world.persons["a1_student"]).values_list("client_id", flat=True))


def _sees_child(world, username) -> bool:
    return Person.objects.restrict(world.users[username], "people.view").filter(
        pk=world.persons["a1_student"].pk).exists()


def test_the_sending_school_keeps_the_history_and_sees_nothing_after(world, moved):
    assert _checkins(world, "school_a_admin") == {"before"}
    assert not _sees_child(world, "school_a_admin")


def test_the_receiving_school_sees_the_child_from_the_transfer_on(world, moved):
    assert _checkins(world, "school_b_admin") == {"after"}
    assert _sees_child(world, "school_b_admin")


def test_the_new_class_teacher_sees_the_child_and_the_old_one_no_longer(world, moved):
    assert _sees_child(world, "teacher_b1")
    assert _checkins(world, "teacher_b1") == {"after"}
    assert not _sees_child(world, "teacher_a1")
    assert _checkins(world, "teacher_a1") == set()


def test_the_guardian_keeps_their_child_and_the_childs_whole_history(world, moved):
    assert _sees_child(world, "guardian_a1")
    assert _checkins(world, "guardian_a1", perm="health.checkin") == {"before", "after"}
    client = Client()
    client.force_login(world.users["guardian_a1"])
    assert client.get(f"/people/{moved['child'].pk}/").status_code == 200


@pytest.mark.parametrize(("username", "sees"), [
    ("school_a_admin", True), ("school_b_admin", True), ("jinshui_bureau", True),
    ("luoyang_bureau", True), ("province", True), ("zhongyuan_bureau", False),
    ("teacher_b1", False), ("guardian_a1", False),
])
def test_both_schools_and_the_bureaus_above_them_see_the_transfer(world, moved, username, sees):
    visible = Transfer.objects.restrict(world.users[username], "transfers.view")
    assert visible.filter(pk=moved["transfer"].pk).exists() is sees
