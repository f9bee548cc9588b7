"""Requests and decisions: the pack's limits (with the bureau's and school's tightening),
the approver chain, the no-gathering restriction, the engine's planned trips from real
requests, notifications at each step, idempotent creation and the reminders."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from apps.approvals import services
from apps.approvals.models import ApprovalRequest, State
from apps.approvals.tests.conftest import MEETING, asked, day, refused
from apps.notifications.models import Notification
from apps.policy.models import PolicyOverride

pytestmark = pytest.mark.django_db


def _override(world, param, value, *, school="a"):
    PolicyOverride.objects.create(school=world.schools[school], pack_id="henan-2022",
                                  param=param, value=value, reason="test")


@pytest.mark.parametrize(("changes", "override", "expected"), [
    ({}, None, State.PENDING),
    ({"participants": 50}, None, State.PENDING),  # the pack's limit itself
    ({"participants": 51}, None, ("participants", "over_limit", "at most 50")),
    ({"participants": 30}, 20, ("participants", "over_limit", "at most 20")),  # tightened
    ({"participants": 20}, 20, State.PENDING),
    ({"online_considered": False}, None, ("online_considered", "required", "Online")),
    ({"why_offline": ""}, None, ("why_offline", "required", "online")),
    ({"participants": None}, None, ("participants", "required", "This field")),
    ({"venue": ""}, None, ("venue", "required", "This field")),
])
def test_it_enforces_the_meeting_limits_of_the_schools_policy(henan, changes, override,
                                                              expected):
    if override is not None:
        _override(henan, "offline_meeting_max_participants", override)
    if isinstance(expected, tuple):
        field, reason, text = refused(lambda: asked(henan, **changes))
        assert (field, reason) == expected[:2] and expected[2] in text
        assert not ApprovalRequest.objects.exists()
    else:
        assert asked(henan, **changes).state == expected


def test_the_limit_is_said_in_chinese(henan):
    from django.utils import translation

    from apps.core.errors import ValidationFailed

    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as caught:
        asked(henan, participants=80)
    assert "线下会议人数上限为 50 人" in caught.value.errors[0].message


def test_without_the_packs_flag_a_meeting_is_approved_at_once(world):
    made = asked(world, participants=500, online_considered=False)  # routine: no limits
    assert made.state == State.APPROVED and made.decision_reason


def test_each_type_goes_to_its_approver_and_tells_them(henan):
    from apps.emergency.models import ModeState

    meeting = asked(henan)
    assert meeting.approver == "school"
    told = Notification.objects.get(recipient=henan.users["school_a_admin"])
    assert told.link == f"/approvals/{meeting.pk}/" and told.kind == "approvals.request"
    trip = asked(henan, kind="trip")
    assert trip.approver == "bureau"  # henan-2022: staff trips go to the county bureau
    assert Notification.objects.filter(recipient=henan.users["jinshui_bureau"],
                                       link=f"/approvals/{trip.pk}/").exists()
    assert refused(lambda: asked(henan, "student_a1", kind="leave"))[:2] == (
        "kind", "not_closed_loop")
    ModeState.objects.create(school=henan.schools["a"], scope="school", mode="closed_loop")
    leave = asked(henan, "student_a1", kind="leave")
    assert leave.approver == "class_teacher"
    assert Notification.objects.filter(recipient=henan.users["teacher_a1"],
                                       link=f"/approvals/{leave.pk}/").exists()
    assert refused(lambda: asked(henan, "student_a1", kind="meeting"))[:2] == (
        "kind", "not_for_you")


def test_only_the_level_it_waits_for_decides_and_a_refusal_says_why(henan):
    made = asked(henan)
    assert refused(lambda: services.approval_decide(
        actor=henan.users["jinshui_bureau"], approval_id=made.pk, approve=True))[:2] == (
        "approval_id", "not_approver")
    with pytest.raises(Http404):  # another school's admin: as if there were none
        services.approval_decide(actor=henan.users["school_b_admin"], approval_id=made.pk,
                                 approve=True)
    admin = henan.users["school_a_admin"]
    assert refused(lambda: services.approval_decide(
        actor=admin, approval_id=made.pk, approve=False))[:2] == ("reason", "required")
    decided = services.approval_decide(actor=admin, approval_id=made.pk, approve=False,
                                       reason="请改为线上")
    assert decided.state == State.REFUSED and decided.decision_reason == "请改为线上"
    assert Notification.objects.filter(recipient=henan.users["teacher_a1"],
                                       kind="approvals.decided").exists()
    assert refused(lambda: services.approval_decide(
        actor=admin, approval_id=made.pk, approve=True))[:2] == ("approval_id", "decided")
    states = [h.state for h in made.history.order_by("history_date")]
    assert states == ["pending", "refused"]


def test_the_same_client_id_returns_the_request_it_made(henan):
    first = asked(henan, client_id="c-1")
    assert asked(henan, client_id="c-1").pk == first.pk
    assert ApprovalRequest.objects.count() == 1


def _status(world, person="a_staff"):
    from apps.status.models import PersonStatus

    return PersonStatus.objects.filter(person=world.persons[person]).first()


def _approvals(world):
    row = _status(world)
    return [a for a in (row.actions if row else []) if a["kind"] == "approval"]


def test_a_trip_request_is_the_engines_planned_trip(henan):
    trip = asked(henan, kind="trip")
    [action] = _approvals(henan)
    assert action["done"] is False and action["detail"]["to"] == "310115"
    assert any("待审批" in r["zh"] for r in _status(henan).reasons)
    services.approval_decide(actor=henan.users["jinshui_bureau"], approval_id=trip.pk,
                             approve=True)
    assert [a["done"] for a in _approvals(henan)] == [True]  # approved: nothing to do
    services.approval_withdraw(actor=henan.users["teacher_a1"], approval_id=trip.pk)
    assert _approvals(henan) == []


def test_a_refused_trip_is_no_plan(henan):
    trip = asked(henan, kind="trip")
    services.approval_decide(actor=henan.users["jinshui_bureau"], approval_id=trip.pk,
                             approve=False, reason="暂停跨省出差")
    assert _approvals(henan) == []


def test_a_trip_within_the_province_needs_no_approval(henan):
    assert refused(lambda: asked(henan, kind="trip", destination="410305"))[:2] == (
        "destination", "same_province")


def _back_from_another_city(world, arrived):
    from apps.status.services import CAUSE_DECLARATION, status_recompute_persons
    from apps.travel.services import trip_declare

    person = world.persons["a_staff"]
    trip_declare(actor=world.users["teacher_a1"], person=person, legs=[{
        "from_region": "410305", "to_region": "410105", "depart": arrived,
        "arrive": arrived, "transport": "train"}])
    status_recompute_persons(school_id=person.school_id, person_ids=[person.pk],
                             reason=CAUSE_DECLARATION)


def test_staff_back_from_another_city_are_refused_a_gathering_naming_the_day(henan):
    _back_from_another_city(henan, day(-1))
    until = day(6).isoformat()
    for kind in ("gathering", "meeting"):
        field, reason, text = refused(lambda kind=kind: asked(henan, kind=kind, start=2))
        assert (field, reason) == ("starts_on", "no_gathering") and until in text
    assert asked(henan, kind="gathering", start=7).state == State.PENDING  # after the day
    assert asked(henan, kind="visitor", start=2).state == State.PENDING  # not a gathering


def test_it_reminds_the_approvers_of_overdue_requests_once(henan, clock):
    made = asked(henan, start=1)
    assert made.due_at <= timezone.now() + timedelta(days=1)
    assert services.approvals_remind_overdue() == 0
    clock.move_to(made.due_at + timedelta(minutes=1))
    assert services.approvals_remind_overdue() == 1
    assert services.approvals_remind_overdue() == 0
    reminders = Notification.objects.filter(kind="approvals.remind")
    assert [n.recipient_id for n in reminders] == [henan.users["school_a_admin"].pk]


def test_a_request_for_a_past_day_or_backwards_is_refused(henan):
    assert refused(lambda: asked(henan, start=-1))[:2] == ("starts_on", "in_past")
    assert refused(lambda: asked(henan, start=3, end=2))[:2] == ("ends_on", "before_start")
    assert refused(lambda: services.approval_request(
        actor=henan.users["school_a_admin"], kind="meeting", starts_on=day(1),
        ends_on=day(1), **MEETING))[:2] == ("person", "not_found")
