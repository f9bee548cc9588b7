import pytest

from apps.rosters.headers import match_columns, normalize_header
from apps.rosters.reading import RosterError


def test_it_normalises_width_case_spaces_and_punctuation():
    assert normalize_header(" 学 号： ") == "学号"
    assert normalize_header("Ｓｔｕｄｅｎｔ  No.") == "studentno"


def test_it_matches_aliases_in_any_order_and_lists_extra_columns():
    headers = ["备注", "身份证件号码", "姓名", "学籍号", "班级", "联系电话", "Dorm Room", "家长"]
    columns = match_columns("student", headers)
    assert columns.positions == {
        "doc_number": 1, "name": 2, "number": 3, "klass": 4, "phone": 5, "dorm": 6,
    }
    assert columns.titles["number"] == "学籍号"
    assert columns.ignored == ["备注", "家长"]
    assert columns.value(["x", "id", "n", "1", "c", "p", "d", "g"], "klass") == "c"
    assert columns.value([], "sex") is None


def test_it_matches_english_headers_for_staff():
    columns = match_columns("staff", ["Staff No", "Name", "ID Number", "Department"])
    assert set(columns.positions) == {"number", "name", "doc_number", "unit"}


def test_a_staff_class_column_is_the_class_taught():
    columns = match_columns("staff", ["工号", "姓名", "身份证号", "部门", "班级"])
    assert columns.ignored == [] and columns.positions["teaches_class"] == 4
    columns = match_columns("staff", ["工号", "姓名", "身份证号", "部门", "任教班级"])
    assert columns.positions["teaches_class"] == 4
    # A student has no class taught: 任教班级 is an extra column there.
    columns = match_columns("student", ["学号", "姓名", "身份证号", "班级", "任教班级"])
    assert columns.positions["klass"] == 3 and columns.ignored == ["任教班级"]


def test_it_names_every_missing_required_column():
    with pytest.raises(RosterError) as caught:
        match_columns("student", ["姓名", "电话"])
    assert caught.value.reason == "missing_columns"
    for title in ("学号", "身份证号", "班级"):
        assert title in caught.value.message
    assert "姓名" not in caught.value.message
