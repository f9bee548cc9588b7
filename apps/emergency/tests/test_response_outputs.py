"""Trigger response times printed and exported: an alert's schools as a bureau sees them, or
one school's triggers, each with its 30-minute clock (fired, deadline, acknowledged, minutes,
state); scoped as the pages are, each print and workbook one access-log row."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.access.models import AccessLog
from apps.emergency.models import SchoolTrigger
from apps.emergency.reports import case_report_enter
from apps.emergency.triggers import alert_fire
from shaodian.testing.outputs import client_for, header_row, refused_unlogged, worker_xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["#", "School", "Trigger", "Area", "Fired", "Deadline", "Acknowledged",
           "Minutes to acknowledge", "State", "Acknowledged by", "Decision", "Traced"]


def fired(world) -> SchoolTrigger:
    """An alert for Pudong reaching the province's schools; school A acknowledged in 12 min."""
    report = case_report_enter(actor=world.users["province"], region="310115",
                               reported_on=timezone.localdate(), cases=3, source="通报")
    result = alert_fire(report_id=report.pk)
    trigger = SchoolTrigger.objects.get(alert_id=result.alert_id, school=world.schools["a"])
    trigger.acknowledged_at = trigger.fired_at + timedelta(minutes=12)
    trigger.acknowledged_by = world.users["school_a_admin"]
    trigger.save()
    return trigger


def test_it_exports_an_alerts_response_times_in_english_and_logs_the_alert(world, henan):
    trigger = fired(world)
    rows = worker_xlsx(client_for(world, "province", "en"),
                       reverse("emergency:trigger_responses_xlsx"),
                       {"alert": trigger.alert_id})["Response times"]
    top = header_row(rows, "#")
    assert rows[top] == HEADERS
    schools = {row[1]: row for row in rows[top + 1:]}
    assert len(schools) == SchoolTrigger.objects.filter(alert_id=trigger.alert_id).count() >= 2
    a = schools[world.schools["a"].name]
    assert a[7] == 12 and a[8] == "On time" and a[9]
    others = [row for name, row in schools.items() if name != world.schools["a"].name]
    assert all(row[6] == "" and row[7] == "" and row[8] in ("Waiting", "Late") for row in others)
    assert rows[top + 1][1] != world.schools["a"].name  # the unacknowledged first
    assert any(str(cell).startswith("Area: ") for cell in (r[0] for r in rows[:top]))
    log = AccessLog.objects.get()
    assert (log.action, log.object_type, log.object_id) == (
        "export_list", "emergency.alert", str(trigger.alert_id))
    assert log.fields.endswith(f"rows={len(schools)}")


def test_a_county_prints_only_its_own_schools_of_the_alert_in_chinese(world, henan):
    trigger = fired(world)
    client = client_for(world, "jinshui_bureau")
    page = client.get(reverse("emergency:trigger_responses_print"), {"alert": trigger.alert_id})
    assert page.status_code == 200
    text = page.content.decode()
    table = text.split('id="print-responses"')[1]
    assert world.schools["a"].name in table and world.schools["b"].name not in table
    assert "按时响应" in table and "响应用时（分钟）" in table.split("</thead>")[0]
    assert 'data-print id="print-button"' in text
    assert reverse("emergency:trigger_responses_xlsx") + f"?alert={trigger.alert_id}" in text
    log = AccessLog.objects.get()
    assert log.action == "print_list" and log.fields.endswith("rows=1")
    alert_page = client.get(reverse("emergency:alert_detail", args=[trigger.alert_id]))
    assert 'id="responses-print"' in alert_page.content.decode()


def test_a_school_prints_and_exports_its_own_triggers(world, henan):
    trigger = fired(world)
    school = world.schools["a"]
    client = client_for(world, "school_a_admin")
    listing = client.get(reverse("emergency:triggers")).content.decode()
    assert f'?school={school.pk}" id="responses-xlsx"' in listing
    page = client.get(reverse("emergency:trigger_responses_print"), {"school": school.pk})
    meta = page.content.decode().split('id="print-meta"')[1].split("</dl>")[0]
    assert school.name in meta and "触发" in meta
    sheets = worker_xlsx(client, reverse("emergency:trigger_responses_xlsx"),
                         {"school": school.pk})
    rows = sheets["响应用时"]
    top = header_row(rows, "#")
    assert rows[top][:3] == ["#", "学校", "触发"] and len(rows) == top + 2
    assert rows[top + 1][7] == 12 and rows[top + 1][8] == "按时响应"
    logs = AccessLog.objects.order_by("at")
    assert [(g.action, g.object_type, g.school_id) for g in logs] == [
        ("print_list", "orgs.school", school.pk), ("export_list", "orgs.school", school.pk)]
    assert trigger.school_id == school.pk


@pytest.mark.parametrize("persona", ["guardian_a1", "school_b_admin", "luoyang_bureau"])
def test_it_keeps_a_schools_response_times_from_those_outside(world, henan, persona):
    fired(world)
    school = world.schools["a"]
    assert refused_unlogged(client_for(world, persona), *(
        (reverse(name), {"school": school.pk})
        for name in ("emergency:trigger_responses_print", "emergency:trigger_responses_xlsx")))


@pytest.mark.parametrize("persona", ["guardian_a1", "zhongyuan_bureau"])
def test_it_keeps_an_alert_from_those_who_see_none_of_its_schools(world, henan, persona):
    trigger = fired(world)
    client = client_for(world, persona)
    assert refused_unlogged(client, *(
        (reverse(name), query)
        for name in ("emergency:trigger_responses_print", "emergency:trigger_responses_xlsx")
        for query in ({"alert": trigger.alert_id}, None, {"alert": "x"})))


def test_an_alert_with_a_school_outside_is_refused_not_widened(world, henan):
    trigger = fired(world)
    client = client_for(world, "luoyang_bureau")
    url = reverse("emergency:trigger_responses_xlsx")
    assert client.get(url, {"alert": trigger.alert_id,
                            "school": world.schools["a"].pk}).status_code == 404
    assert not AccessLog.objects.exists()
    mine = worker_xlsx(client, url, {"alert": trigger.alert_id,
                                     "school": world.schools["b"].pk})["响应用时"]
    assert [row[1] for row in mine[header_row(mine, "#") + 1:]] == [world.schools["b"].name]


def test_a_print_longer_than_its_limit_says_so_and_counts_every_trigger(world, henan,
                                                                       monkeypatch):
    from apps.emergency import response_list

    trigger = fired(world)
    total = SchoolTrigger.objects.filter(alert_id=trigger.alert_id).count()
    monkeypatch.setattr(response_list, "PRINT_LIMIT", 1)
    text = client_for(world, "province", "en").get(
        reverse("emergency:trigger_responses_print"), {"alert": trigger.alert_id}
    ).content.decode()
    assert text.split('id="print-responses"')[1].count("<tr>") == 2
    assert f"Only the first 1 of {total} triggers are printed" in text
    meta = text.split('id="print-meta"')[1].split("</dl>")[0]
    assert f"<dd>{total}</dd>" in meta and "<dd>12.0</dd>" in meta
