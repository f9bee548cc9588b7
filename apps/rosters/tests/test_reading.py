import datetime

import pytest

from apps.rosters.reading import OLE_MAGIC, RosterError, read_table
from apps.rosters.tests.files import csv_bytes, empty_xlsx, xlsx

HEADER = ["学号", "姓名", "身份证号"]


def _reason(name, data):
    with pytest.raises(RosterError) as caught:
        read_table(name, data)
    return caught.value.reason


def test_it_reads_cells_as_excel_gives_them_with_their_row_numbers():
    data = xlsx([HEADER, ["A1", "张三", "410105201005040111"], [7, 1.5, datetime.date(2010, 5, 4)]])
    table = read_table("名单.XLSX", data)
    assert table.headers == HEADER and table.header_row == 1
    assert [r.number for r in table.rows] == [2, 3]
    assert table.rows[0].cells == ["A1", "张三", "410105201005040111"]
    assert table.rows[1].cells[0] == 7 and table.rows[1].cells[2] == datetime.date(2010, 5, 4)


def test_it_skips_blank_rows_in_the_middle_but_keeps_row_numbers():
    data = xlsx([[], HEADER, ["A1", "甲", "1"], [], [" ", None, ""], ["A2", "乙", "2"]])
    table = read_table("x.xlsx", data)
    assert table.header_row == 2
    assert [(r.number, r.cells[0]) for r in table.rows] == [(3, "A1"), (6, "A2")]


def test_it_reads_the_cached_value_of_formulas():
    data = xlsx([HEADER, ["A1", "甲", None]], formulas={(1, 2): ("=1+1", 2)})
    assert read_table("x.xlsx", data).rows[0].cells[2] == 2


@pytest.mark.parametrize("name", ["名单.txt", "名单.xlsm", "名单", "x.pdf"])
def test_it_refuses_a_wrong_extension(name):
    assert _reason(name, xlsx([HEADER])) == "bad_type"


def test_it_refuses_html_saved_as_xls():
    page = b"\xef\xbb\xbf<html><body><table><tr><td>\xe5\xad\xa6\xe5\x8f\xb7</td></tr></table>"
    assert _reason("export.xls", page) == "html_as_excel"


def test_it_refuses_a_file_that_is_not_a_workbook():
    assert _reason("x.xlsx", b"just some text") == "bad_type"


def test_it_refuses_an_empty_workbook_and_an_empty_file():
    assert _reason("x.xlsx", empty_xlsx()) == "empty"
    assert _reason("x.csv", b"") == "empty"
    assert _reason("x.csv", b"\n,,\n") == "empty"


def test_it_refuses_an_encrypted_xlsx():
    # Excel wraps a password-protected xlsx in an OLE container.
    assert _reason("x.xlsx", OLE_MAGIC + b"\x00" * 600) == "encrypted"


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.ROSTER_MAX_BYTES = 100
    assert _reason("x.csv", b"a" * 101) == "too_large"


def test_it_refuses_a_merged_header():
    data = xlsx([HEADER + [None, None, "电话"]], merge=(0, 3, 0, 4, "联系方式"))
    assert _reason("x.xlsx", data) == "merged_header"


def test_it_refuses_empty_cells_between_header_titles():
    assert _reason("x.xlsx", xlsx([["学号", None, "姓名"], ["1", "", "甲"]])) == "merged_header"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_it_reads_csv_in_every_encoding_schools_use(encoding):
    data = csv_bytes([HEADER, ["A1", "张三", "410105201005040111"]], encoding)
    table = read_table("x.csv", data)
    assert table.headers == HEADER
    assert table.rows[0].cells == ["A1", "张三", "410105201005040111"]


@pytest.mark.parametrize("forked", [False, True])
def test_it_marks_formulas_saved_without_a_value(monkeypatch, forked):
    from apps.rosters import reading

    if forked:  # a large file's formulas are looked for by a child while calamine reads
        monkeypatch.setattr(reading, "FORMULAS_FORK_BYTES", 0)
    data = xlsx([HEADER, ["A1", None, "1"], ["A2", "乙", "2"]],
                formulas={(1, 1): ('="张"&"三"', ""), (2, 0): ("=1+1", 2)})
    table = read_table("x.xlsx", data)
    assert table.uncomputed == {(2, 1)}
    assert table.rows[1].cells[0] == 2


def test_a_workbook_calamine_refuses_leaves_no_formula_child_behind(monkeypatch):
    import os

    from apps.rosters import reading

    def unreadable(extension, data):
        raise RosterError("unreadable", "")

    forked = []

    def fork():
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    real_fork = os.fork
    monkeypatch.setattr(reading, "FORMULAS_FORK_BYTES", 0)
    monkeypatch.setattr(reading, "_read_workbook", unreadable)
    monkeypatch.setattr(os, "fork", fork)
    if not reading.may_fork():
        pytest.skip("other threads run in this process, so it may not fork")
    with pytest.raises(RosterError):
        read_table("x.xlsx", xlsx([HEADER, ["A1", "甲", "1"]]))
    assert len(forked) == 1
    # Only this child: other tests may leave processes of their own (a browser, a server).
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0], os.WNOHANG)  # reaped already
