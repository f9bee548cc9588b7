"""Concerns: who may raise one (a table), the deadline from the school's effective policy
(routine, the 2022 directive, a tightened value), assignment, answer, reopening, and the
escalation task, once however often it runs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.concerns import services
from apps.concerns.models import Concern, ConcernEvent, ConcernState, Escalation
from apps.core.errors import ValidationFailed
from apps.emergency.models import ModeState
from apps.notifications.models import Notification
from apps.policy.models import PolicyOverride

from .conftest import raised, restrict

pytestmark = pytest.mark.django_db


def _codes(exc) -> list[tuple[str, str]]:
    return [(e.field, e.reason) for e in exc.value.errors]


# who raises, for whom, their status (None: no row), a closed loop ("school", "unit",
# "klass" of theirs, "other": another class's), and the answer: "ok" or (field, reason)
ELIGIBILITY = [
    ("guardian_a1", "a1_student", "isolation", None, "ok"),
    ("guardian_a1", "a1_student", "central_quarantine", None, "ok"),
    ("guardian_a1", "a1_student", "home_quarantine", None, "ok"),
    ("guardian_a1", "a1_student", "home_monitoring", None, "ok"),
    ("guardian_a1", "a1_student", "key_population", None, "ok"),
    ("guardian_a1", "a1_student", "regimen_incomplete", None, "ok"),
    ("student_a1", "a1_student", "isolation", None, "ok"),
    ("guardian_a1", "a1_student", "normal", None, ("person_id", "not_restricted")),
    ("guardian_a1", "a1_student", "cleared", None, ("person_id", "not_restricted")),
    ("guardian_a1", "a1_student", None, None, ("person_id", "not_restricted")),
    ("guardian_a1", "a1_student", None, "school", "ok"),
    ("guardian_a1", "a1_student", "normal", "klass", "ok"),
    ("guardian_a1", "a1_student", None, "unit", "ok"),
    ("guardian_a1", "a1_student", None, "other", ("person_id", "not_restricted")),
    ("teacher_a1", "a_staff", None, "school", "ok"),  # staff in a closed-loop school
    ("teacher_a1", "a_staff", "isolation", None, "ok"),
    ("guardian_a1", "a1_student2", "isolation", None, ("person_id", "not_found")),
    ("student_a1", "a1_student2", "isolation", None, ("person_id", "not_found")),
    ("teacher_a1", "a1_student", "isolation", None, ("person_id", "not_found")),
    ("school_a_admin", "a1_student", "isolation", None, ("person_id", "not_found")),
]


@pytest.mark.parametrize(("by", "key", "status", "loop", "expected"), ELIGIBILITY)
def test_it_lets_only_a_restricted_person_or_their_guardian_raise(world, by, key, status,
                                                                   loop, expected):
    person = world.persons[key]
    if status:
        restrict(world, key, status)
    if loop:
        scope, scope_key = {
            "school": ("school", ""), "unit": ("unit", str(world.classes["a_c1"].unit_id)),
            "klass": ("klass", str(world.classes["a_c1"].pk)),
            "other": ("klass", str(world.classes["a_c2"].pk))}[loop]
        ModeState.objects.create(school_id=person.school_id, scope=scope, scope_key=scope_key,
                                 mode="closed_loop")
    call = {"actor": world.users[by], "person_id": person.pk, "category": "food",
            "text": "需要送饭"}
    if expected == "ok":
        concern = services.concern_raise(**call)
        assert (concern.person_id, concern.state) == (person.pk, ConcernState.OPEN)
    else:
        with pytest.raises(ValidationFailed) as exc:
            services.concern_raise(**call)
        assert _codes(exc) == [expected]
        assert not Concern.objects.exists()


def test_it_refuses_a_drill_closed_loop(world):
    ModeState.objects.create(school=world.schools["a"], mode="closed_loop", drill=True)
    with pytest.raises(ValidationFailed) as exc:
        services.concern_raise(actor=world.users["guardian_a1"],
                               person_id=world.persons["a1_student"].pk, category="food",
                               text="x")
    assert _codes(exc) == [("person_id", "not_restricted")]


def test_it_names_bad_fields(world):
    restrict(world)
    call = {"actor": world.users["guardian_a1"], "person_id": world.persons["a1_student"].pk}
    for kwargs, expected in (({"category": "toys", "text": "x"}, ("category", "bad_choice")),
                             ({"category": "food", "text": "  "}, ("text", "required")),
                             ({"category": "food", "text": "x" * 1001}, ("text", "too_long"))):
        with pytest.raises(ValidationFailed) as exc:
            services.concern_raise(**call, **kwargs)
        assert _codes(exc) == [expected]


def test_it_is_idempotent_by_client_id(world):
    first = raised(world, client_id="c-1")
    again = raised(world, client_id="c-1")
    assert first.pk == again.pk and Concern.objects.count() == 1
    assert raised(world, client_id="c-2").pk != first.pk


@pytest.mark.parametrize(("pack", "hours"), [("routine", 48), ("henan", 24)])
def test_it_sets_the_deadline_from_the_pack(request, world, pack, hours):
    if pack == "henan":
        request.getfixturevalue("henan")
    concern = raised(world)
    assert concern.due_at - concern.raised_at == timedelta(hours=hours)
    assert concern.bureau_due_at - concern.raised_at == timedelta(hours=2 * hours)


def test_it_follows_a_tightened_deadline(world):
    from apps.policy.services import policy_override_set

    policy_override_set(actor=world.users["school_a_admin"], node=world.schools["a"],
                        param="concern_response_hours", value=12, reason="关心隔离学生")
    assert PolicyOverride.objects.count() == 1
    concern = raised(world)
    assert concern.due_at - concern.raised_at == timedelta(hours=12)
    with pytest.raises(ValidationFailed):  # looser than the pack: refused
        policy_override_set(actor=world.users["jinshui_bureau"],
                            node=world.bureaus["jinshui"], param="concern_response_hours",
                            value=72, reason="x")


def test_it_goes_to_the_class_teacher_then_whoever_the_admin_names(world):
    concern = raised(world)
    assert concern.assignee == world.users["teacher_a1"]
    assert Notification.objects.filter(recipient=world.users["teacher_a1"],
                                       link=f"/concerns/{concern.pk}/").exists()
    staff = restrict(world, "a_staff")
    mine = services.concern_raise(actor=world.users["teacher_a1"], person_id=staff.pk,
                                  category="medicine", text="降压药")
    assert mine.assignee == world.users["school_a_admin"]  # staff: the school's admin
    services.concern_assign(actor=world.users["school_a_admin"], concern_id=concern.pk,
                            assignee_id=world.users["reporter_a"].pk)
    concern.refresh_from_db()
    assert concern.assignee == world.users["reporter_a"]
    with pytest.raises(ValidationFailed) as exc:  # another school's staff
        services.concern_assign(actor=world.users["school_a_admin"], concern_id=concern.pk,
                                assignee_id=world.users["school_b_admin"].pk)
    assert _codes(exc) == [("assignee_id", "not_found")]


def test_it_is_answered_seen_and_reopened(world, clock):
    from django.http import Http404

    concern = raised(world)
    with pytest.raises(Http404):  # a teacher of another class
        services.concern_answer(actor=world.users["teacher_a2"], concern_id=concern.pk,
                                answer="x")
    services.concern_answer(actor=world.users["teacher_a1"], concern_id=concern.pk,
                            answer="已安排食堂每日三餐送达")
    concern.refresh_from_db()
    assert (concern.state, concern.answered_by) == (ConcernState.ANSWERED,
                                                    world.users["teacher_a1"])
    assert Notification.objects.filter(recipient=world.users["guardian_a1"],
                                       link=f"/concerns/{concern.pk}/").exists()
    with pytest.raises(ValidationFailed) as exc:
        services.concern_answer(actor=world.users["teacher_a1"], concern_id=concern.pk,
                                answer="again")
    assert _codes(exc) == [("concern_id", "not_open")]
    with pytest.raises(Http404):  # not the requester
        services.concern_reopen(actor=world.users["teacher_a1"], concern_id=concern.pk,
                                reason="x")
    services.concern_reopen(actor=world.users["guardian_a1"], concern_id=concern.pk,
                            reason="午饭没送到")
    concern.refresh_from_db()
    assert (concern.state, concern.reopened) == (ConcernState.OPEN, 1)
    services.concern_answer(actor=world.users["teacher_a1"], concern_id=concern.pk,
                            answer="已补送")
    clock.move_to(timezone.now() + timedelta(days=8))
    with pytest.raises(ValidationFailed) as exc:
        services.concern_reopen(actor=world.users["guardian_a1"], concern_id=concern.pk,
                                reason="x")
    assert _codes(exc) == [("concern_id", "not_reopenable")]
    kinds = list(ConcernEvent.objects.filter(concern=concern).values_list("kind", flat=True))
    assert kinds == ["raised", "answered", "reopened", "answered"]


def test_it_escalates_once_to_the_school_then_the_bureau(world):
    concern = raised(world)
    admin, bureau = world.users["school_a_admin"], world.users["jinshui_bureau"]
    assert services.concerns_escalate() == {"school": 0, "bureau": 0}
    late = concern.due_at + timedelta(minutes=1)
    assert services.concerns_escalate(now=late) == {"school": 1, "bureau": 0}
    assert services.concerns_escalate(now=late) == {"school": 0, "bureau": 0}  # twice: once
    concern.refresh_from_db()
    assert concern.escalation == Escalation.SCHOOL
    link = f"/concerns/{concern.pk}/"
    assert Notification.objects.filter(recipient=admin, link=link).count() == 1
    assert not Notification.objects.filter(recipient=bureau).exists()
    later = concern.bureau_due_at + timedelta(minutes=1)
    assert services.concerns_escalate(now=later) == {"school": 0, "bureau": 1}
    assert services.concerns_escalate(now=later) == {"school": 0, "bureau": 0}
    assert Notification.objects.filter(recipient=bureau, link=link).count() == 1
    assert not Notification.objects.filter(recipient=world.users["luoyang_bureau"]).exists()
    assert ConcernEvent.objects.filter(concern=concern, kind="escalated").count() == 2


def test_it_escalates_no_answered_concern(world):
    concern = raised(world)
    services.concern_answer(actor=world.users["teacher_a1"], concern_id=concern.pk,
                            answer="好")
    assert services.concerns_escalate(now=concern.bureau_due_at + timedelta(hours=1)) == {
        "school": 0, "bureau": 0}


def test_the_task_escalates(world):
    from apps.concerns.tasks import escalate_late_concerns

    concern = raised(world)
    Concern.objects.filter(pk=concern.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert escalate_late_concerns.call() == {"school": 1, "bureau": 0}
