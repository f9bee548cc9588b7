"""The trace-back list for the CDC, printed and exported: the fields a CDC asks (name, class,
full phone, the guardian to call, the link to the area with its places and dates, the status
now, the follow-up), only for those who hand it over, each print one access-log row naming
the trigger; nothing written for anyone outside."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.access.models import AccessLog
from apps.emergency.models import SchoolTrigger
from apps.emergency.reports import case_report_enter
from apps.emergency.triggers import alert_fire
from apps.people.models import HouseholdMember
from apps.travel.models import Exposure, TripLeg
from shaodian.testing.outputs import client_for, header_row, read_xlsx, refused_unlogged

pytestmark = pytest.mark.django_db


def fired(world) -> SchoolTrigger:
    today = timezone.localdate()
    a1, a2 = world.persons["a1_student"], world.persons["a2_student"]
    a1.phone = "13812345678"
    a1.save()
    HouseholdMember.objects.create(school=a1.school, person=a1, name="张爸爸", relation="父亲",
                                   phone="13900001111", guardian=True)
    TripLeg.objects.create(school_id=a1.school_id, person=a1, from_region_id="410105",
                           to_region_id="310115", depart=today - timedelta(days=3),
                           arrive=today - timedelta(days=3), transport="train", number="G1234")
    Exposure.objects.create(school_id=a2.school_id, person=a2, kind="case",
                            on=today - timedelta(days=2), region_id="310115")
    report = case_report_enter(actor=world.users["province"], region="310115",
                               reported_on=today, cases=3, source="通报")
    result = alert_fire(report_id=report.pk)
    return SchoolTrigger.objects.get(alert_id=result.alert_id, school=world.schools["a"])


def test_it_exports_the_cdc_fields_with_full_phones_and_logs_the_trigger(world, henan):
    trigger = fired(world)
    response = client_for(world, "school_a_admin", "en").get(
        reverse("emergency:trigger_trace_xlsx", args=[trigger.pk]))
    assert response.status_code == 200
    rows = read_xlsx(response)["Trace-back list"]
    top = header_row(rows, "#")
    assert rows[top] == ["#", "Name", "Student or staff", "Class or department", "Phone",
                         "Guardian to call", "Link to the area", "Dates", "Status now",
                         "Follow-up", "Responsible"]
    people = {row[1]: row for row in rows[top + 1:]}
    assert set(people) == {"张小明", "陈小刚"}
    zhang = people["张小明"]
    assert zhang[3] == world.persons["a1_student"].klass.name
    assert zhang[4] == "13812345678" and zhang[5] == "张爸爸（父亲）13900001111"
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    assert "Trip:" in zhang[6] and "G1234" in zhang[6] and day in zhang[6] and zhang[7] == day
    assert "Contact with a case" in people["陈小刚"][6]
    log = AccessLog.objects.get()
    assert (log.action, log.object_type, log.object_id) == (
        "export_list", "emergency.schooltrigger", str(trigger.pk))
    assert "phone" in log.fields and log.fields.endswith("rows=2")
    assert log.school_id == trigger.school_id and log.reason == "trace-back list for the CDC"


def test_it_prints_the_list_in_chinese_for_the_outbreak_reporter(world, henan):
    trigger = fired(world)
    page = client_for(world, "reporter_a").get(
        reverse("emergency:trigger_trace_print", args=[trigger.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    table = text.split('id="print-trace"')[1]
    assert "与涉疫地区的关联" in table and "13812345678" in table and "本人出行" in table
    assert "疾控流调名单" in text and 'data-print id="print-button"' in text
    assert AccessLog.objects.get().action == "print_list"
    detail = client_for(world, "reporter_a").get(
        reverse("emergency:trigger_detail", args=[trigger.pk])).content.decode()
    assert 'id="trace-print"' in detail


@pytest.mark.parametrize("persona", ["teacher_a2", "teacher_a1", "zhongyuan_bureau",
                                     "guardian_a1", "school_b_admin", "hospital_a"])
def test_it_keeps_the_list_from_those_who_do_not_hand_it_over(world, henan, persona):
    trigger = fired(world)
    assert refused_unlogged(client_for(world, persona), *(
        (reverse(name, args=[trigger.pk]), None)
        for name in ("emergency:trigger_trace_print", "emergency:trigger_trace_xlsx")))


def test_the_county_above_the_school_may_export_it(world, henan):
    trigger = fired(world)
    response = client_for(world, "jinshui_bureau").get(
        reverse("emergency:trigger_trace_xlsx", args=[trigger.pk]))
    assert response.status_code == 200 and AccessLog.objects.count() == 1
