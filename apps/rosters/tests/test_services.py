from datetime import date

import pytest
from django.http import Http404

from apps.core.crypto import decrypt_text
from apps.core.identity import mask_document, mask_phone
from apps.people.models import Person
from apps.rosters.models import RosterImport
from apps.rosters.reading import RosterError
from apps.rosters.services import roster_apply, roster_check
from apps.rosters.tests.files import csv_bytes, xlsx
from shaodian.testing.world import make_id_number

HEADER = ["学号", "姓名", "性别", "出生日期", "身份证号", "手机", "班级", "住宿", "备注"]
BORN = date(2011, 3, 1)


def _id(seq, born=BORN):
    return make_id_number("410105", born, seq)


def _student(number, name, seq, klass="七年级1班", **overrides):
    row = {"学号": number, "姓名": name, "性别": "男" if seq % 2 else "女",
           "出生日期": "2011-03-01", "身份证号": _id(seq), "手机": "13800138000",
           "班级": klass, "住宿": "走读", "备注": ""}
    row.update(overrides)
    return [row[h] for h in HEADER]


def _check(world, rows, *, user="school_a_admin", school="a", kind="student", name="名单.xlsx",
           header=HEADER):
    data = xlsx([header, *rows]) if name.endswith(".xlsx") else csv_bytes([header, *rows])
    return roster_check(actor=world.users[user], school=world.schools[school], kind=kind,
                        name=name, data=data)


def _errors(plan):
    return [(e.row, e.column, e.reason) for e in plan.errors]


def _count(world):
    return Person.objects.filter(school=world.schools["a"]).count()


def test_it_plans_new_updated_and_unchanged_rows(world):
    a1 = world.persons["a1_student"]
    rows = [
        _student("A2024901", "新同学", 1),
        # a1 as stored (same ID, class, phone), moved to class 2
        _student("A2024001", "张小明", 11, klass="七年级2班", 身份证号=a1.plain_document,
                 出生日期="2010-05-04", 性别="男"),
        _student("A2024002", "刘小红", 12, 身份证号=world.persons["a1_student2"].plain_document,
                 出生日期="2010/5/4", 性别="女"),
    ]
    plan = _check(world, rows)
    assert plan.errors == []
    assert [(r.row, r.action) for r in plan.rows] == [(2, "new"), (3, "updated"),
                                                      (4, "unchanged")]
    assert plan.rows[1].changed == ["klass_id"]
    assert plan.rows[1].moved == ("七年级1班", "七年级2班")
    assert plan.columns.ignored == ["备注"]
    record = RosterImport.objects.get()
    assert (record.status, record.new, record.updated, record.unchanged) == ("checked", 1, 1, 1)


def test_it_applies_in_bulk_and_a_second_run_changes_nothing(world, django_assert_max_num_queries):
    a1 = world.persons["a1_student"]
    rows = [_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 31)]
    rows.append(_student("A2024001", "张小明", 11, klass="七年级2班", 身份证号=a1.plain_document,
                         出生日期="2010-05-04", 性别="男"))
    plan = _check(world, rows)
    with django_assert_max_num_queries(40):
        result = roster_apply(actor=world.users["school_a_admin"], plan=plan)
    assert (result.new, result.updated, result.unchanged, result.rejected) == (30, 1, 0, 0)
    created = Person.objects.get(school=world.schools["a"], number="A2025007")
    assert decrypt_text(created.doc_cipher) == _id(7)
    assert created.doc_masked == mask_document(_id(7))
    assert created.klass == world.classes["a_c1"] and created.unit == world.units["a_grade"]
    assert created.history.get().history_user == world.users["school_a_admin"]
    a1.refresh_from_db()
    assert a1.klass == world.classes["a_c2"]
    reason = a1.history.first().history_change_reason
    assert reason.startswith("moved class: 七年级1班 -> 七年级2班")

    history = a1.history.count()
    again = roster_apply(actor=world.users["school_a_admin"], plan=_check(world, rows))
    assert (again.new, again.updated, again.unchanged) == (0, 0, 31)
    assert a1.history.count() == history
    assert RosterImport.objects.filter(status="applied").count() == 2


def test_the_plan_reads_the_school_in_a_fixed_number_of_queries(world,
                                                                django_assert_max_num_queries):
    rows = [_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 101)]
    with django_assert_max_num_queries(30):
        plan = _check(world, rows)
    assert len(plan.rows) == 100


def _refused(world, rows, **kwargs):
    before = _count(world)
    plan = _check(world, rows, **kwargs)
    with pytest.raises(RosterError) as caught:
        roster_apply(actor=world.users[kwargs.get("user", "school_a_admin")], plan=plan)
    assert caught.value.reason == "has_errors"
    assert _count(world) == before
    return plan


def test_it_rejects_the_same_person_twice_on_both_rows(world):
    plan = _refused(world, [
        _student("A2025001", "甲", 1), _student("A2025002", "乙", 3),
        _student("A2025001", "丙", 5), _student("A2025004", "丁", 7, 身份证号=_id(3)),
    ])
    assert _errors(plan) == [
        (2, "学号", "duplicate_in_file"), (3, "身份证号", "duplicate_in_file"),
        (4, "学号", "duplicate_in_file"), (5, "身份证号", "duplicate_in_file"),
    ]
    assert plan.errors[1].value == mask_document(_id(3))
    assert [r.row for r in plan.rows] == []


def test_it_rejects_a_document_registered_under_another_number(world):
    plan = _refused(world, [_student("A2025001", "甲", 1,
                                     身份证号=world.persons["a2_student"].plain_document,
                                     出生日期="2010-05-04", 性别="男")])
    assert _errors(plan) == [(2, "身份证号", "duplicate_document")]


def test_it_rejects_a_wrong_checksum_with_the_value_masked(world):
    bad = _id(1)[:-1] + ("0" if _id(1)[-1] != "0" else "1")
    plan = _refused(world, [_student("A2025001", "甲", 1, 身份证号=bad)])
    assert _errors(plan) == [(2, "身份证号", "bad_checksum")]
    assert plan.errors[0].value == mask_document(bad) and bad not in str(plan.errors)


def test_it_rejects_a_birth_date_that_disagrees_with_the_id(world):
    plan = _refused(world, [_student("A2025001", "甲", 1, 出生日期="2011年3月2日")])
    assert _errors(plan) == [(2, "出生日期", "birth_date_mismatch")]


def test_it_rejects_an_unknown_class_and_an_invalid_phone(world):
    plan = _refused(world, [_student("A2025001", "甲", 1, 班级="九年级9班"),
                            _student("A2025002", "乙", 3, 手机="1380013")])
    assert _errors(plan) == [(2, "班级", "unknown_class"), (3, "手机", "bad_phone")]
    assert plan.errors[1].value == mask_phone("1380013")


def test_it_says_an_id_lost_its_digits_when_excel_made_it_a_number(world):
    plan = _refused(world, [_student("A2025001", "甲", 1, 身份证号=4.10105201103010e17)])
    assert _errors(plan) == [(2, "身份证号", "digits_lost")]


def test_it_accepts_a_fifteen_digit_legacy_id(world):
    legacy = "410105850301011"  # born 1985-03-01, odd sequence: male
    plan = _check(world, [_student("T900", "老职工", 1, 身份证号=legacy, 出生日期="1985-03-01")])
    assert plan.errors == []
    roster_apply(actor=world.users["school_a_admin"], plan=plan)
    person = Person.objects.get(number="T900")
    assert person.doc_type == "legacy_id" and person.birth_date == date(1985, 3, 1)


def test_it_reads_formulas_by_their_cached_values(world):
    header = ["学号", "姓名", "身份证号", "班级"]
    data = xlsx([header, ["A2025001", None, _id(1), "七年级1班"]],
                formulas={(1, 1): ('="张"&"三"', "张三")})
    plan = roster_check(actor=world.users["school_a_admin"], school=world.schools["a"],
                        kind="student", name="x.xlsx", data=data)
    assert plan.errors == [] and plan.rows[0].values["name"] == "张三"


def test_it_skips_blank_rows_and_reports_true_row_numbers(world):
    plan = _check(world, [_student("A2025001", "甲", 1), [None] * 9, [""] * 9,
                          _student("A2025002", "乙", 3, 班级="无此班")])
    assert [r.row for r in plan.rows] == [2] and _errors(plan) == [(5, "班级", "unknown_class")]


def test_it_imports_valid_rows_only_when_asked(world):
    plan = _check(world, [_student("A2025001", "甲", 1), _student("A2025002", "乙", 3, 班级="无")])
    result = roster_apply(actor=world.users["school_a_admin"], plan=plan, valid_only=True)
    assert (result.new, result.rejected) == (1, 1)
    assert Person.objects.filter(number__in=["A2025001", "A2025002"]).count() == 1


def test_it_names_missing_columns_and_records_the_refusal(world):
    with pytest.raises(RosterError) as caught:
        _check(world, [["A1", "甲"]], header=["学号", "姓名"])
    assert caught.value.reason == "missing_columns" and "班级" in caught.value.message
    assert RosterImport.objects.get().status == "refused"


def test_it_reads_a_gbk_csv(world):
    data = csv_bytes([HEADER, _student("A2025001", "张三", 1)], "gbk")
    plan = roster_check(actor=world.users["school_a_admin"], school=world.schools["a"],
                        kind="student", name="名单.csv", data=data)
    assert plan.errors == [] and plan.rows[0].values["name"] == "张三"


def test_a_class_teacher_imports_into_their_class_only(world):
    plan = _check(world, [_student("A2025001", "甲", 1), _student("A2025002", "乙", 3,
                                                                 班级="七年级2班")],
                  user="teacher_a1")
    assert _errors(plan) == [(3, "班级", "out_of_scope")]
    result = roster_apply(actor=world.users["teacher_a1"], plan=plan, valid_only=True)
    assert result.new == 1


def test_a_class_teacher_cannot_take_a_student_from_another_class(world):
    a2 = world.persons["a2_student"]
    plan = _check(world, [_student("A2024101", "陈小刚", 13, 身份证号=a2.plain_document,
                                   出生日期="2010-05-04")], user="teacher_a1")
    assert _errors(plan) == [(2, "班级", "out_of_scope")]


def test_a_class_teacher_cannot_import_staff(world):
    with pytest.raises(Http404):
        _check(world, [["T9", "甲", _id(1), "教务处"]], user="teacher_a1", kind="staff",
               header=["工号", "姓名", "身份证号", "部门"])


def test_another_schools_admin_gets_404(world):
    with pytest.raises(Http404):
        _check(world, [_student("A2025001", "甲", 1)], user="school_b_admin")
    assert RosterImport.objects.count() == 0


def test_it_imports_staff_into_units(world):
    header = ["工号", "姓名", "身份证号码", "部门", "性别"]
    born = date(1985, 6, 1)
    plan = _check(world, [["T100", "新老师", _id(21, born), "教务处", "M"],
                          ["T101", "另一位", _id(23, born), "无此部门", "M"]],
                  kind="staff", header=header)
    assert _errors(plan) == [(3, "部门", "unknown_unit")]
    roster_apply(actor=world.users["school_a_admin"], plan=plan, valid_only=True)
    person = Person.objects.get(number="T100")
    assert person.kind == "staff" and person.unit == world.units["a_office"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("名单.pdf", b"%PDF-1.4", "bad_type"),
        ("名单.xls", b"<html><body><table><tr><td>1</td></tr></table>", "html_as_excel"),
        ("名单.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "encrypted"),
        ("名单.xlsx", xlsx([]), "empty"),
        ("名单.xlsx", xlsx([HEADER[:2] + [None] + HEADER[2:]]), "merged_header"),
    ],
)
def test_a_file_that_cannot_be_read_saves_nobody_and_is_recorded(world, name, data, reason):
    before = _count(world)
    with pytest.raises(RosterError) as caught:
        roster_check(actor=world.users["school_a_admin"], school=world.schools["a"],
                     kind="student", name=name, data=data)
    assert caught.value.reason == reason and _count(world) == before
    record = RosterImport.objects.get()
    assert (record.status, record.errors[0]["reason"]) == ("refused", reason)


def test_an_oversize_file_is_refused(world, settings):
    settings.ROSTER_MAX_BYTES = 1000
    with pytest.raises(RosterError) as caught:
        _check(world, [_student(f"A{n}", "甲", n) for n in range(1, 40)])
    assert caught.value.reason == "too_large"


def test_a_formula_without_a_value_is_an_error_on_its_cell(world):
    header = ["学号", "姓名", "身份证号", "班级"]
    data = xlsx([header, ["A2025001", None, _id(1), "七年级1班"]],
                formulas={(1, 1): ('="张"&"三"', "")})
    plan = roster_check(actor=world.users["school_a_admin"], school=world.schools["a"],
                        kind="student", name="x.xlsx", data=data)
    assert _errors(plan) == [(2, "姓名", "formula_without_value"), (2, "姓名", "required")]


def test_losing_a_race_on_a_number_is_a_conflict_and_saves_nothing(world, monkeypatch):
    from apps.rosters.services import applying

    plan = _check(world, [_student("A2025001", "甲", 1), _student("A2024001", "张小明", 3)])
    plan.errors = []
    monkeypatch.setattr(applying, "_check_against_school", lambda *args: None)
    for planned in plan.rows:  # as if someone added A2024001 after the check
        planned.action = "new"
    before = _count(world)
    with pytest.raises(RosterError) as caught:
        roster_apply(actor=world.users["school_a_admin"], plan=plan)
    assert caught.value.reason == "conflict" and _count(world) == before


def test_it_imports_more_people_than_one_block_of_reserved_ids(world, monkeypatch):
    from apps.core import db

    monkeypatch.setattr(db, "ID_BLOCK", 2)  # ids come in blocks; COPY must not wait for one
    plan = _check(world, [_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 8)])
    result = roster_apply(actor=world.users["school_a_admin"], plan=plan)
    assert result.new == 7
    assert Person.objects.filter(number__startswith="A2025").count() == 7


def test_a_large_file_is_checked_on_two_cores_with_the_same_result(world, monkeypatch):
    from apps.rosters.services import planning

    rows = [_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 40)]
    rows[5] = _student("A2025006", "乙", 6, 班级="无此班")
    rows[30] = _student("A2025001", "重复", 61)  # the same number as row 2, in the other half
    rows[33] = [*rows[33][:7], "走读", ""]
    rows[33][HEADER.index("手机")] = "1380013"
    serial = _check(world, rows)
    monkeypatch.setattr(planning, "PARALLEL_ROWS", 10)
    forked = _check(world, rows)
    assert _errors(forked) == _errors(serial) == [
        (2, "学号", "duplicate_in_file"), (7, "班级", "unknown_class"),
        (32, "学号", "duplicate_in_file"), (35, "手机", "bad_phone")]
    assert [(r.row, r.values, r.hashes) for r in forked.rows] == [
        (r.row, r.values, r.hashes) for r in serial.rows]


def test_a_legacy_id_and_the_number_it_became_are_the_same_person(world):
    legacy = "410105850301011"  # born 1985-03-01
    from apps.core.identity import upgrade_legacy_id

    plan = _refused(world, [
        _student("T900", "老职工", 1, 身份证号=legacy, 出生日期="1985-03-01"),
        _student("T901", "老职工", 1, 身份证号=upgrade_legacy_id(legacy), 出生日期="1985-03-01"),
    ])
    assert _errors(plan) == [(2, "身份证号", "duplicate_in_file"),
                             (3, "身份证号", "duplicate_in_file")]
