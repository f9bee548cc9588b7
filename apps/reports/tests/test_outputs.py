"""The daily report printed (web/print.html) and exported to Excel: a school's and a bureau's,
scoped as the pages are, each print and workbook one access-log row."""

import re

import pytest
from django.urls import reverse

from apps.access.models import AccessLog
from apps.reports import services
from apps.reports.tests.conftest import DAY
from shaodian.testing.outputs import client_for, header_row, read_xlsx, refused_unlogged

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def submitted(world):
    a = world.schools["a"]
    services.report_submit(actor=world.users["reporter_a"], school_id=a.pk, day=DAY, zero=True)
    return a


def test_it_prints_a_schools_report_with_its_header_and_logs_it(world, morning):
    a = submitted(world)
    client = client_for(world, "school_a_admin")
    page = client.get(reverse("reports:school_print", args=[a.pk]), {"day": DAY.isoformat()})
    assert page.status_code == 200
    text = page.content.decode()
    meta = text.split('id="print-meta"')[1].split("</dl>")[0]
    assert "金水区第一中学" in meta and DAY.isoformat() in meta and "疫情报告人" in meta
    assert "版本" in meta and "提交时间" in meta and "零报告" in text
    assert 'data-print id="print-button"' in text and "打印" in text
    assert re.search(r'href="/static/web/print\.[0-9a-f]{12}\.css"', text)
    assert reverse("reports:school_xlsx", args=[a.pk]) in text
    assert 'data-figure="persons"' in text.split('id="print-figures"')[1]
    log = AccessLog.objects.get(action="print_list")
    assert (log.user == world.users["school_a_admin"] and log.school_id == a.pk
            and log.object_type == "reports.dailyreport")


def test_it_exports_a_schools_report_to_excel_in_english_and_chinese(world, morning):
    a = submitted(world)
    response = client_for(world, "reporter_a", "en").get(
        reverse("reports:school_xlsx", args=[a.pk]), {"day": DAY.isoformat()})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheets = read_xlsx(response)
    assert list(sheets) == ["Daily report", "Versions"]
    rows = sheets["Daily report"]
    assert rows[0] == ["School: 金水区第一中学"] + [""] * (len(rows[0]) - 1)
    top = header_row(rows, "Figure")
    assert rows[top] == ["Figure", "Value"]
    figures = {row[0]: row[1] for row in rows[top + 1:]}
    assert figures["People on the roll"] == 4 and "Swabs taken" in figures
    assert sheets["Versions"][0][:3] == ["#", "Submitted at", "Submitted by"]
    assert sheets["Versions"][1][0] == 1 and sheets["Versions"][1][3] == "yes"
    chinese = read_xlsx(client_for(world, "reporter_a").get(
        reverse("reports:school_xlsx", args=[a.pk]), {"day": DAY.isoformat()}))
    assert list(chinese) == ["日报", "版本记录"]
    assert chinese["日报"][header_row(chinese["日报"], "项目")][:2] == ["项目", "值"]
    log = AccessLog.objects.filter(action="export_list").order_by("at")
    assert log.count() == 2 and log[0].fields.startswith("figures; rows=")


@pytest.mark.parametrize("persona", ["teacher_a1", "zhongyuan_bureau", "guardian_a1",
                                     "school_b_admin"])
def test_it_keeps_a_schools_report_from_those_outside(world, morning, persona):
    a = submitted(world)
    assert refused_unlogged(client_for(world, persona),
                            (reverse("reports:school_print", args=[a.pk]), None),
                            (reverse("reports:school_xlsx", args=[a.pk]), None))


def test_it_prints_and_exports_a_bureaus_aggregate_with_its_schools(world, morning):
    submitted(world)
    jinshui = world.bureaus["jinshui"]
    services.bureau_report_aggregate(actor=world.users["jinshui_bureau"], bureau_id=jinshui.pk,
                                     day=DAY)
    client = client_for(world, "jinshui_bureau")
    page = client.get(reverse("reports:bureau_print", args=[jinshui.pk]),
                      {"day": DAY.isoformat()}).content.decode()
    assert "金水区教育局" in page.split('id="print-meta"')[1]
    schools = page.split('id="print-schools"')[1]
    assert "金水区第一中学" in schools and "涧西区实验中学" not in schools
    sheets = read_xlsx(client.get(reverse("reports:bureau_xlsx", args=[jinshui.pk]),
                                  {"day": DAY.isoformat()}))
    assert list(sheets) == ["日报", "学校"]
    assert sheets["学校"][0][0] == "学校" and sheets["学校"][1][0] == "金水区第一中学"
    assert sheets["学校"][1][1] == "已提交"
    assert AccessLog.objects.filter(action__in=["print_list", "export_list"]).count() == 2
    other = client_for(world, "luoyang_bureau")
    assert other.get(reverse("reports:bureau_xlsx", args=[jinshui.pk])).status_code == 404
    assert AccessLog.objects.count() == 2
