"""Case reports fire triggers for every reached school, with trace-back lists and follow-ups,
set-based; repeats join the alert; the clocks escalate and stamp."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.emergency.models import Alert, CaseReport, SchoolTrigger, TraceHit
from apps.emergency.reports import case_report_correct, case_report_enter, case_report_withdraw
from apps.emergency.response import (
    drill_trigger_create,
    trigger_acknowledge,
    trigger_decide_mode,
    triggers_escalate,
    triggers_mark_traced_complete,
)
from apps.emergency.selectors import school_mode
from apps.emergency.triggers import alert_fire
from apps.followups.models import FollowUp
from apps.notifications.models import Notification
from apps.people.models import HouseholdMember
from apps.travel.models import Exposure, TripLeg

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PUDONG, JIANXI, JINSHUI = "310115", "410305", "410105"


def leg(person, to, days_ago, *, frm=JINSHUI, member=None):
    day = TODAY - timedelta(days=days_ago)
    return TripLeg.objects.create(school_id=person.school_id, person=person, from_region_id=frm,
                                  to_region_id=to, depart=day, arrive=day, transport="train",
                                  household_member=member)


def report(world, region=PUDONG, *, who="province", **extra):
    return case_report_enter(actor=world.users[who], region=region, reported_on=TODAY,
                             cases=extra.pop("cases", 2), source="上海市卫健委通报", **extra)


def fire(world, region=PUDONG, **extra):
    r = report(world, region, **extra)
    return r, alert_fire(report_id=r.pk)


def test_it_reaches_every_school_with_a_30_minute_clock(henan):
    r, result = fire(henan)
    triggers = SchoolTrigger.objects.filter(alert_id=result.alert_id)
    assert {t.school_id for t in triggers} == {s.pk for s in henan.schools.values()}
    assert {t.kind for t in triggers} == {"other_province"}
    assert all(t.deadline - t.fired_at == timedelta(minutes=30) for t in triggers)
    assert all(t.fired_at == r.entered_at for t in triggers)


def test_it_fires_trigger_2_for_a_report_in_the_province(henan):
    _r, result = fire(henan, JIANXI)
    assert set(SchoolTrigger.objects.filter(alert_id=result.alert_id)
               .values_list("kind", flat=True)) == {"home_province"}


def test_it_reaches_nobody_under_the_routine_pack(world):
    _r, result = fire(world)
    assert result.triggers == 0 and not SchoolTrigger.objects.exists()


def test_it_traces_trips_co_residents_residence_and_exposures_with_reasons(henan):
    a1, a2 = henan.persons["a1_student"], henan.persons["a2_student"]
    staff, b1 = henan.persons["a_staff"], henan.persons["b1_student"]
    trip = leg(a1, PUDONG, 5)
    leg(a1, PUDONG, 30)  # before the 14-day window: not a link
    grandpa = HouseholdMember.objects.get(person=a2)
    leg(a2, PUDONG, 3, member=grandpa)
    staff.residence_region_id = PUDONG
    staff.save()
    Exposure.objects.create(school_id=b1.school_id, person=b1, kind="case",
                            on=TODAY - timedelta(days=2), region_id=PUDONG)
    _r, result = fire(henan)
    links = set(TraceHit.objects.filter(alert_id=result.alert_id)
                .values_list("person_id", "link", "ref_id"))
    assert (a1.pk, "trip", trip.pk) in links
    assert {(p, link) for p, link, _ref in links} == {
        (a1.pk, "trip"), (a2.pk, "household"), (staff.pk, "residence"), (b1.pk, "exposure")}
    followups = {f.person_id: f for f in FollowUp.objects.filter(source=f"alert:{result.alert_id}")}
    assert set(followups) == {a1.pk, a2.pk, staff.pk, b1.pk}
    assert followups[a1.pk].assignee == henan.users["teacher_a1"]
    assert followups[a2.pk].assignee == henan.users["teacher_a2"]
    assert followups[b1.pk].assignee == henan.users["teacher_b1"]
    assert followups[staff.pk].assignee == henan.users["reporter_a"]  # no unit lead for staff
    kinds = [a["kind"] for a in followups[a1.pk].detail["actions"]]
    assert kinds[0] == "test" and "monitor" in kinds
    trigger_a = SchoolTrigger.objects.get(alert_id=result.alert_id, school=henan.schools["a"])
    assert trigger_a.traced_count == 3 and trigger_a.traced_at is not None


def test_it_notifies_the_school_its_hospital_the_teachers_and_the_families(henan):
    leg(henan.persons["a1_student"], PUDONG, 5)
    _r, result = fire(henan)
    kinds = dict(Notification.objects.values_list("recipient__username", "kind")
                 .order_by("recipient__username", "kind"))
    assert kinds["school_a_admin"] == "trigger.fired"
    assert kinds["reporter_a"] == "trigger.fired"
    assert kinds["hospital_a"] == "trigger.fired"
    assert kinds["teacher_a1"] == "followup.trace_back"
    assert kinds["guardian_a1"] == "trace.person"
    assert "teacher_a2" not in kinds  # nobody of their class is on the list
    again = alert_fire(report_id=CaseReport.objects.get().pk)
    assert (again.triggers, again.hits, again.followups, again.notifications) == (0, 0, 0, 0)


def test_it_joins_a_repeat_report_to_the_alert_and_extends_the_trace_back(henan):
    _r, first = fire(henan)
    leg(henan.persons["a2_student"], PUDONG, 1)  # declared after the first report
    _r2, second = fire(henan, cases=5)
    assert second.alert_id == first.alert_id and not second.new_alert
    assert second.triggers == 0 and second.followups == 1
    assert Alert.objects.count() == 1
    assert SchoolTrigger.objects.count() == len(henan.schools)


def test_it_opens_a_new_alert_after_the_merge_window(henan, settings):
    settings.SHAODIAN_ALERT_MERGE_HOURS = 0
    _r, first = fire(henan)
    _r2, second = fire(henan)
    assert second.alert_id != first.alert_id
    assert SchoolTrigger.objects.count() == 2 * len(henan.schools)


def test_it_records_a_report_once_per_client_id(henan):
    first = report(henan, client_id="hc-2022-0316-01")
    again = report(henan, client_id="hc-2022-0316-01")
    assert first.pk == again.pk and CaseReport.objects.count() == 1


@pytest.mark.parametrize(("region", "day", "cases", "source", "fields"), [
    ("火星", TODAY, 1, "通报", ["region"]),
    (PUDONG, TODAY + timedelta(days=1), 1, "通报", ["reported_on"]),
    (PUDONG, TODAY - timedelta(days=90), 1, "通报", ["reported_on"]),
    (PUDONG, TODAY, 0, " ", ["cases", "source"]),
])
def test_it_refuses_a_bad_report_naming_each_field(henan, region, day, cases, source, fields):
    with pytest.raises(ValidationFailed) as failed:
        case_report_enter(actor=henan.users["province"], region=region, reported_on=day,
                          cases=cases, source=source)
    assert [e.field for e in failed.value.errors] == fields
    assert not CaseReport.objects.exists()


def test_it_lets_a_bureau_report_only_inside_its_area(henan):
    report(henan, JINSHUI, who="jinshui_bureau")
    with pytest.raises(Http404):
        report(henan, JIANXI, who="jinshui_bureau")
    with pytest.raises(Http404):
        report(henan, PUDONG, who="jinshui_bureau")
    with pytest.raises(Http404):
        report(henan, JINSHUI, who="school_a_admin")


def test_it_records_corrections_and_withdrawals_as_events(henan):
    r = report(henan)
    case_report_correct(actor=henan.users["province"], report_id=r.pk, cases=7,
                        reason="卫健委更正")
    case_report_withdraw(actor=henan.users["province"], report_id=r.pk, reason="误报")
    events = list(r.events.values_list("kind", "changes", "reason"))
    assert events == [("entered", {}, ""), ("corrected", {"cases": [2, 7]}, "卫健委更正"),
                      ("withdrawn", {}, "误报")]
    assert alert_fire(report_id=r.pk).triggers == 0  # a withdrawn report fires nothing


def test_it_lets_the_school_acknowledge_and_decide_its_mode(henan):
    _r, result = fire(henan)
    trigger = SchoolTrigger.objects.get(alert_id=result.alert_id, school=henan.schools["a"])
    admin = henan.users["school_a_admin"]
    trigger_acknowledge(actor=admin, trigger_id=trigger.pk)
    with pytest.raises(ValidationFailed):
        trigger_decide_mode(actor=admin, trigger_id=trigger.pk, mode="normal")
    trigger_decide_mode(actor=admin, trigger_id=trigger.pk, mode="closed_loop",
                        reason="外省疫情，寄宿生闭环")
    trigger.refresh_from_db()
    assert trigger.mode_decision == "switched" and trigger.first_action_at is not None
    assert school_mode(school_id=henan.schools["a"].pk) == "closed_loop"


@pytest.mark.parametrize("persona", ["school_b_admin", "teacher_a1", "zhongyuan_bureau",
                                     "guardian_a1"])
def test_it_lets_only_the_schools_epidemic_office_answer(henan, persona):
    _r, result = fire(henan)
    trigger = SchoolTrigger.objects.get(alert_id=result.alert_id, school=henan.schools["a"])
    with pytest.raises(Http404):
        trigger_acknowledge(actor=henan.users[persona], trigger_id=trigger.pk)


def test_it_escalates_a_late_school_once_to_its_bureau(henan):
    _r, result = fire(henan)
    a = SchoolTrigger.objects.get(alert_id=result.alert_id, school=henan.schools["a"])
    trigger_acknowledge(actor=henan.users["school_b_admin"], trigger_id=SchoolTrigger.objects.get(
        alert_id=result.alert_id, school=henan.schools["b"]).pk)
    later = a.deadline + timedelta(minutes=1)
    assert triggers_escalate(now=a.deadline - timedelta(minutes=1)) == 0
    assert triggers_escalate(now=later) == 1
    assert triggers_escalate(now=later) == 0
    escalated = Notification.objects.filter(kind="trigger.escalated")
    assert list(escalated.values_list("recipient__username", flat=True)) == ["jinshui_bureau"]


def test_it_stamps_the_trace_back_complete_when_every_follow_up_is_closed(henan):
    leg(henan.persons["a1_student"], PUDONG, 5)
    _r, result = fire(henan)
    triggers_mark_traced_complete()
    a = SchoolTrigger.objects.get(alert_id=result.alert_id, school=henan.schools["a"])
    b = SchoolTrigger.objects.get(alert_id=result.alert_id, school=henan.schools["b"])
    assert a.traceback_completed_at is None  # one open follow-up
    assert b.traceback_completed_at is None or b.traced_count == 0
    FollowUp.objects.filter(source=f"alert:{result.alert_id}").update(status="done")
    assert triggers_mark_traced_complete() >= 1
    a.refresh_from_db()
    assert a.traceback_completed_at is not None


def test_it_runs_a_drill_for_one_school_without_messages_to_families(world):
    leg(world.persons["a1_student"], JINSHUI, 2, frm=PUDONG)
    trigger = drill_trigger_create(actor=world.users["school_a_admin"],
                                   school_id=world.schools["a"].pk, scenario="金水区出现病例")
    assert trigger.drill and SchoolTrigger.objects.count() == 1
    assert FollowUp.objects.filter(drill=True).exists()
    assert not Notification.objects.filter(kind="trace.person").exists()
    assert Notification.objects.filter(drill=True, kind="trigger.fired").exists()


def test_it_queues_outside_copies_for_channels_hospital_and_outside_members(henan):
    from apps.emergency.models import TaskForceMember
    from apps.notifications.models import Channel, Delivery
    from apps.orgs.models import HospitalContact

    a = henan.schools["a"]
    Channel.objects.create(user=henan.users["school_a_admin"], kind="sms", address="13800000001")
    Channel.objects.create(school=a, kind="wecom",
                           address="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    HospitalContact.objects.create(hospital=henan.hospital, name="李医生", phone="13800000002")
    TaskForceMember.objects.create(school=a, name="区疾控张科长", duty="疾控联络",
                                   phone="13800000003", external=True)
    _r, result = fire(henan)
    sent = set(Delivery.objects.values_list("channel", "address"))
    assert ("sms", "13800000001") in sent and ("sms", "13800000002") in sent
    assert ("sms", "13800000003") in sent
    assert ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k") in sent
    count = Delivery.objects.count()
    alert_fire(report_id=CaseReport.objects.get().pk)
    assert Delivery.objects.count() == count  # once per alert and address


def test_a_schools_trigger_notification_opens_that_trigger(henan):
    from apps.emergency.models import SchoolTrigger

    leg(henan.persons["a1_student"], PUDONG, 5)
    fire(henan)
    trigger_a = SchoolTrigger.objects.get(school=henan.schools["a"])
    links = dict(Notification.objects.values_list("recipient__username", "link"))
    assert links["school_a_admin"] == f"/emergency/triggers/{trigger_a.pk}/"
    assert links["teacher_a1"] == "/followups/" and links["guardian_a1"] == "/"
