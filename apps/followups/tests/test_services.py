"""followup_create_many, responsible_for, complete and reassign."""

from datetime import timedelta

import pytest

from apps.access.models import RoleAssignment
from apps.core.errors import ValidationFailed
from apps.followups.models import FollowUp
from apps.followups.selectors import responsible_for
from apps.followups.services import followup_complete, followup_create_many, followup_reassign
from apps.followups.tests.conftest import item
from apps.notifications.models import Delivery, Notification
from apps.orgs.models import SchoolClass

pytestmark = pytest.mark.django_db


def assignees(world, *keys):
    return responsible_for(school_id=world.schools["a"].pk,
                           person_ids=[world.persons[k].pk for k in keys])


@pytest.mark.parametrize(("person", "change", "expected"), [
    ("a1_student", None, "teacher_a1"),  # a student: the class teacher
    ("a2_student", None, "teacher_a2"),
    ("a1_student", "no_teacher", "unit_lead_a"),  # no class teacher: the grade's lead
    ("a_staff", None, "reporter_a"),  # staff whose unit has no lead: the outbreak reporter
    ("a_staff", "office_lead", "school_b_admin"),  # the office's lead (any user may lead)
    ("a_staff", "no_reporter", "school_a_admin"),  # no reporter: the school admin
    ("a1_student", "nobody", None),  # nobody at all
])
def test_it_finds_who_is_responsible(world, person, change, expected):
    if change in ("no_teacher", "nobody"):
        SchoolClass.objects.filter(pk=world.classes["a_c1"].pk).update(teacher=None)
    if change == "office_lead":
        RoleAssignment.objects.create(user=world.users["school_b_admin"], role="unit_lead",
                                      unit=world.units["a_office"])
    if change in ("no_reporter", "nobody"):
        RoleAssignment.objects.filter(role="outbreak_reporter").delete()
    if change == "nobody":
        RoleAssignment.objects.filter(role__in=["unit_lead", "school_admin"]).delete()
    expected_id = world.users[expected].pk if expected else None
    assert assignees(world, person) == {world.persons[person].pk: expected_id}


def test_it_leaves_out_persons_of_another_school(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        found = assignees(world, "a1_student", "a2_student", "a_staff", "b1_student")
    assert world.persons["b1_student"].pk not in found and len(found) == 3


def test_it_creates_follow_ups_once_per_source(world, make_followups):
    assert make_followups("a1_student", "a1_student2", "a2_student") == 3
    assert make_followups("a1_student", "a1_student2", "a2_student") == 0
    assert make_followups("a1_student", source="trigger:2") == 1
    assert FollowUp.objects.count() == 4
    rows = FollowUp.objects.filter(source="trigger:1").order_by("person_id")
    assert {r.person_id: r.assignee_id for r in rows} == {
        world.persons["a1_student"].pk: world.users["teacher_a1"].pk,
        world.persons["a1_student2"].pk: world.users["teacher_a1"].pk,
        world.persons["a2_student"].pk: world.users["teacher_a2"].pk}


def test_it_tells_each_assignee_once_per_batch(world, make_followups):
    make_followups("a1_student", "a1_student2", "a2_student")
    make_followups("a1_student", "a1_student2", "a2_student")  # a retried task
    inbox = dict(Notification.objects.values_list("recipient__username", "subject_en"))
    assert inbox == {"teacher_a1": "2 new follow-ups: Trace-back",
                     "teacher_a2": "1 new follow-up: Trace-back"}
    assert Notification.objects.get(recipient=world.users["teacher_a1"]).subject_zh \
        == "2 条新的跟进任务：倒查"
    make_followups("a1_student", "a_staff")  # the trace-back extended: one more for someone
    assert Notification.objects.filter(recipient=world.users["reporter_a"]).count() == 1
    assert Notification.objects.filter(recipient=world.users["teacher_a1"]).count() == 1


def test_it_notifies_in_the_inbox_only_in_a_drill(world, make_followups):
    user = world.users["teacher_a1"]
    user.email = "wang@example.cn"
    user.save()
    make_followups("a1_student", drill=True)
    note = Notification.objects.get()
    assert note.drill and FollowUp.objects.get().drill
    assert not Delivery.objects.exists()
    make_followups("a1_student", source="trigger:9")
    assert Delivery.objects.filter(channel="email").count() == 1  # a real trace-back warns


def test_it_keeps_an_explicit_assignee_and_due_time(world):
    from django.utils import timezone

    due = timezone.now() + timedelta(hours=24)
    followup_create_many(school_id=world.schools["a"].pk, kind="absence_cause",
                         source="absence:7", notify=False,
                         items=[item(world.persons["a1_student"],
                                     assignee_id=world.users["reporter_a"].pk, due_at=due)])
    row = FollowUp.objects.get()
    assert (row.assignee_id, row.due_at) == (world.users["reporter_a"].pk, due)
    assert not Notification.objects.exists()


def test_it_refuses_an_unknown_kind(world):
    with pytest.raises(ValidationFailed) as caught:
        followup_create_many(school_id=world.schools["a"].pk, kind="party", source="x",
                             items=[item(world.persons["a1_student"])])
    assert caught.value.errors[0].field == "kind"


def test_it_completes_with_an_outcome_once(world, make_followups):
    make_followups("a1_student")
    followup = FollowUp.objects.get()
    teacher = world.users["teacher_a1"]
    with pytest.raises(ValidationFailed) as caught:
        followup_complete(actor=teacher, followup_id=followup.pk, outcome="  ")
    assert (caught.value.errors[0].field, caught.value.errors[0].reason) == ("outcome",
                                                                             "required")
    done = followup_complete(actor=teacher, followup_id=followup.pk, outcome="已检测，阴性")
    assert (done.status, done.done_by, done.outcome) == ("done", teacher, "已检测，阴性")
    # a double tap is the same completion; a different one is refused
    followup_complete(actor=teacher, followup_id=followup.pk, outcome="已检测，阴性")
    with pytest.raises(ValidationFailed):
        followup_complete(actor=teacher, followup_id=followup.pk, outcome="另一个结果")


def test_it_refuses_completion_out_of_scope(world, make_followups):
    make_followups("a1_student")
    followup = FollowUp.objects.get()
    for username in ("teacher_a2", "guardian_a1", "jinshui_bureau", "school_b_admin"):
        with pytest.raises(FollowUp.DoesNotExist):
            followup_complete(actor=world.users[username], followup_id=followup.pk,
                              outcome="x")
    assert FollowUp.objects.get().status == "open"


def test_it_reassigns_to_someone_responsible_and_tells_them(world, make_followups):
    make_followups("a1_student", notify=False)
    followup = FollowUp.objects.get()
    admin = world.users["school_a_admin"]
    with pytest.raises(ValidationFailed) as caught:  # teaches another class
        followup_reassign(actor=admin, followup_id=followup.pk,
                          assignee_id=world.users["teacher_a2"].pk)
    assert caught.value.errors[0].reason == "not_responsible"
    with pytest.raises(FollowUp.DoesNotExist):  # only the school admin reassigns
        followup_reassign(actor=world.users["teacher_a1"], followup_id=followup.pk,
                          assignee_id=world.users["unit_lead_a"].pk)
    followup_reassign(actor=admin, followup_id=followup.pk,
                      assignee_id=world.users["unit_lead_a"].pk)
    followup.refresh_from_db()
    assert (followup.assignee, followup.assigned_by) == (world.users["unit_lead_a"], admin)
    note = Notification.objects.get()
    assert note.recipient == world.users["unit_lead_a"]
    assert note.subject_en == "A follow-up was passed to you: Get tested"
    assert note.subject_zh.endswith("核酸检测") and note.link == f"/followups/{followup.pk}/"


def test_it_creates_across_schools_in_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.followups.services import followup_create_for_schools

    def run(source, keys_by_school):
        with CaptureQueriesContext(connection) as queries:
            created = followup_create_for_schools(
                kind="trace_back", source=source,
                items_by_school={world.schools[s].pk: [item(world.persons[k]) for k in keys]
                                 for s, keys in keys_by_school.items()})
        return created, len(queries)

    one = run("trigger:1", {"a": ["a1_student"]})
    many = run("trigger:2", {"a": ["a1_student", "a1_student2", "a2_student", "a_staff"],
                             "b": ["b1_student"]})
    assert one[0] == 1 and many[0] == 5
    assert many[1] == one[1]  # five persons in two schools cost what one person costs
    b_row = FollowUp.objects.get(person=world.persons["b1_student"])
    assert (b_row.school, b_row.assignee) == (world.schools["b"], world.users["teacher_b1"])
    told = Notification.objects.filter(dedupe_key__contains="trigger:2")
    assert dict(told.values_list("recipient__username", "school_id")) == {
        "teacher_a1": world.schools["a"].pk, "teacher_a2": world.schools["a"].pk,
        "reporter_a": world.schools["a"].pk, "teacher_b1": world.schools["b"].pk}


def test_it_shows_what_must_be_done_without_ids_or_numbers():
    from django.utils import translation

    from apps.followups.presenters import detail_rows

    with translation.override("en"):
        rows = detail_rows({"actions": ["核酸检测", "居家观察"], "tube": "T001", "tube_id": 7,
                            "id_number": "11010519491231002X", "since": None,
                            "window": {"d": 7}})
    assert [(str(k), v) for k, v, _ in rows] == [
        ("Required actions", "核酸检测、居家观察"), ("Tube", "T001"), ("Window", "d: 7")]
