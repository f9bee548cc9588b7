"""Grade ladders as a table: which grade follows which, how a class is renamed, where each
kind of school takes its intake and graduates."""

import pytest

from apps.schoolyear import grades


@pytest.mark.parametrize(("unit", "expected"), [
    ("七年级", ("nine_year", 6, "八年级")),
    ("初一", ("nine_year", 6, "初二")),
    ("初中二年级", ("nine_year", 7, "初中三年级")),
    ("六年级", ("nine_year", 5, "七年级")),
    ("高一年级", ("senior", 0, "高二年级")),
    ("高二", ("senior", 1, "高三")),
    ("小班", ("kindergarten", 0, "中班")),
    ("中班", ("kindergarten", 1, "大班")),
])
def test_it_finds_the_rung_and_the_next_grade(unit, expected):
    rung = grades.rung_of(unit)
    assert (rung.ladder, rung.position) == expected[:2]
    if expected[2]:
        assert grades.next_grade_name(rung) == expected[2]


@pytest.mark.parametrize("unit", ["教务处", "计算机学院", "小", "2023级", "高四", ""])
def test_a_name_on_no_ladder_has_no_rung(unit):
    assert grades.rung_of(unit) is None


@pytest.mark.parametrize(("klass", "unit", "promoted"), [
    ("七年级1班", "七年级", "八年级1班"),
    ("初一(3)班", "初一", "初二(3)班"),
    ("高一(3)班", "高一年级", "高二(3)班"),  # the class uses the short spelling
    ("高一年级3班", "高一年级", "高二年级3班"),
    ("小一班", "小班", "中一班"),
    ("2023级1班", "七年级", "2023级1班"),  # a cohort keeps its name
    ("火箭班", "高一年级", "火箭班"),
])
def test_it_renames_a_promoted_class(klass, unit, promoted):
    assert grades.promoted_class_name(klass, grades.rung_of(unit)) == promoted


@pytest.mark.parametrize(("old", "n", "new"), [
    ("七年级1班", 1, "七年级1班"),
    ("2026级3班", 3, "2027级3班"),
    ("火箭班", 2, "七年级2班"),
])
def test_it_names_the_intake_classes_as_last_years(old, n, new):
    assert grades.intake_class_name(old, "七年级", grades.rung_of("七年级"), 2027, n) == new


@pytest.mark.parametrize(("kind", "ladder", "span"), [
    ("primary", "nine_year", (0, 5)),
    ("junior", "nine_year", (6, 8)),
    ("senior", "senior", (0, 2)),
    ("senior", "nine_year", (6, 8)),  # a 完全中学's junior section graduates at 九年级
    ("kindergarten", "kindergarten", (0, 2)),
    ("university", "nine_year", None),
    ("primary", "senior", None),
])
def test_each_kind_of_school_takes_its_intake_and_graduates_on_its_ladder(kind, ladder, span):
    assert grades.span(kind, ladder) == span


def test_a_graduated_name_keeps_its_cohort_year():
    assert grades.graduated_name("九年级1班", 2027) == "2027届九年级1班"


def test_grades_and_classes_sort_by_rung_not_by_character():
    names = ["九年级", "高一年级", "八年级", "七年级", "教务处", "小班", "大班", "中班"]
    assert sorted(names, key=grades.grade_order) == [
        "小班", "中班", "大班", "七年级", "八年级", "九年级", "高一年级", "教务处"]
    classes = ["九年级1班", "七年级10班", "八年级2班", "七年级2班", "初一(3)班", "火箭班"]
    assert sorted(classes, key=grades.grade_order) == [
        "七年级2班", "七年级10班", "初一(3)班", "八年级2班", "九年级1班", "火箭班"]
