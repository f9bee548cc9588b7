"""Lab files: xlsx, xls-as-html refused, CSV in UTF-8 or GBK, columns found by their aliases."""

import datetime

import pytest
from django.utils import timezone

from apps.rosters.reading import RosterError
from apps.rosters.tests.files import csv_bytes, xlsx
from apps.testing.services.results import lab_rows_from_file, result_word


def test_it_reads_a_gbk_csv_with_chinese_headers_in_any_order():
    data = csv_bytes([["序号", "检测结果", "样本管号", "检测时间"],
                      ["1", "阴性", "T0001", "2022-03-16 14:30"],
                      ["2", "阳性", "T0002", ""]], encoding="gbk")
    found = lab_rows_from_file("结果.csv", data)
    assert [(r.row, r.barcode, result_word(r.result), r.tested_at) for r in found] == [
        (2, "T0001", "negative", "2022-03-16 14:30"), (3, "T0002", "positive", "")]


def test_it_reads_an_xlsx_with_english_headers_and_real_times():
    tested = datetime.datetime(2022, 3, 16, 14, 30)
    data = xlsx([["Tube barcode", "Result", "Tested at"], ["T0001", "neg", tested],
                 [None, None, None], [12345678, "+", None]])
    found = lab_rows_from_file("lab.xlsx", data)
    assert [r.row for r in found] == [2, 4]  # the blank row is skipped, numbers kept
    assert found[0].barcode == "T0001"
    assert timezone.make_naive(timezone.make_aware(found[0].tested_at)).hour == 14
    assert found[1].barcode in (12345678, 12345678.0)  # a number: cleaned to text later


def test_it_names_the_missing_columns():
    with pytest.raises(RosterError) as refused:
        lab_rows_from_file("lab.csv", csv_bytes([["管码", "备注"], ["T1", "x"]]))
    assert refused.value.reason == "missing_columns"
    assert "结果" in refused.value.message


def test_it_refuses_a_web_page_saved_as_xls():
    with pytest.raises(RosterError) as refused:
        lab_rows_from_file("lab.xls", b"<html><table><tr><td>T1</td></tr></table>")
    assert refused.value.reason == "html_as_excel"
