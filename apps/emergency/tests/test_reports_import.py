"""Case reports from a CSV file: all or nothing, every bad row named, good rows on request."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from apps.emergency.models import CaseReport
from apps.emergency.reports_import import case_reports_import

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def csv_bytes(*rows, header="地区,街道小区,报告日期,病例数,来源", encoding="utf-8-sig"):
    return "\n".join([header, *rows]).encode(encoding)


def test_it_records_every_row_of_a_gbk_file(henan, django_capture_on_commit_callbacks):
    data = csv_bytes(f"上海市浦东新区,张江镇,{TODAY:%Y年%m月%d日},3,上海卫健委",
                     f"410305,,{TODAY:%Y/%m/%d},,河南卫健委", encoding="gbk")
    with django_capture_on_commit_callbacks() as callbacks:
        result = case_reports_import(actor=henan.users["province"], data=data)
    assert (result.rows, result.recorded, result.errors) == (2, 2, [])
    assert sorted(CaseReport.objects.values_list("region_id", "cases")) == [
        ("310115", 3), ("410305", 1)]
    assert len(callbacks) == 2  # each report fires once the import commits


def test_it_names_every_bad_row_and_records_nothing(henan, django_capture_on_commit_callbacks):
    data = csv_bytes(f"上海市浦东新区,,{TODAY:%Y-%m-%d},2,通报",
                     f"火星,,{TODAY:%Y-%m-%d},1,通报",
                     "410305,,昨天,x,通报",
                     f"410305,,{TODAY + timedelta(days=2):%Y-%m-%d},1,")
    with django_capture_on_commit_callbacks() as callbacks:
        result = case_reports_import(actor=henan.users["province"], data=data)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (3, "地区", "unknown_region"),
        (4, "报告日期", "bad_date"), (4, "病例数", "not_a_number"),
        (5, "报告日期", "future"), (5, "来源", "required")]
    assert result.recorded == 0 and not CaseReport.objects.exists() and not callbacks


def test_it_records_the_good_rows_only_when_asked(henan):
    data = csv_bytes(f"上海市浦东新区,,{TODAY:%Y-%m-%d},2,通报", f"火星,,{TODAY:%Y-%m-%d},1,通报")
    result = case_reports_import(actor=henan.users["province"], data=data, apply_valid_only=True)
    assert result.recorded == 1 and len(result.errors) == 1
    assert list(CaseReport.objects.values_list("region_id", flat=True)) == ["310115"]


def test_it_refuses_a_bureaus_row_outside_its_area(henan):
    data = csv_bytes(f"410105,,{TODAY:%Y-%m-%d},1,通报", f"410305,,{TODAY:%Y-%m-%d},1,通报")
    result = case_reports_import(actor=henan.users["jinshui_bureau"], data=data)
    assert [(e.row, e.reason) for e in result.errors] == [(3, "out_of_scope")]
    assert not CaseReport.objects.exists()


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    ("病例数,来源\n1,x".encode(), "missing_column"),
    (b"x" * (1024 * 1024 + 1), "too_large"),
])
def test_it_refuses_a_file_it_cannot_use(henan, data, reason):
    result = case_reports_import(actor=henan.users["province"], data=data)
    assert reason in {e.reason for e in result.errors} and not CaseReport.objects.exists()


def test_it_imports_from_the_page_and_shows_the_bad_rows(henan):
    client = Client()
    client.force_login(henan.users["province"])
    upload = SimpleUploadedFile("reports.csv", csv_bytes(f"火星,,{TODAY:%Y-%m-%d},1,通报"))
    response = client.post("/emergency/reports/import/", {"file": upload})
    assert response.status_code == 400 and not CaseReport.objects.exists()
    assert "火星" in response.content.decode().split('id="import-errors"')[1]
