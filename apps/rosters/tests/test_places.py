"""Classes and grades a roster names that the school lacks: listed by the dry run, created
only when the file is applied, by those who may change the school's structure."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.orgs.models import SchoolClass, Unit
from apps.orgs.services import current_school_year
from apps.people.models import Person
from apps.rosters.models import ImportStatus, RosterImport
from apps.rosters.reading import RosterError
from apps.rosters.services import (
    roster_apply,
    roster_apply_request,
    roster_check,
    roster_upload,
)
from apps.rosters.tests.files import xlsx
from apps.rosters.tests.test_services import _id

HEADER = ["学号", "姓名", "身份证号", "年级", "班级"]
STAFF_HEADER = ["工号", "姓名", "身份证号", "部门"]


def _row(n, klass, grade="八年级"):
    return [f"A2026{n:03d}", f"新生{n}", _id(n), grade, klass]


def _check(world, rows, *, user="school_a_admin", header=HEADER, kind="student",
           create_places=True):
    return roster_check(actor=world.users[user], school=world.schools["a"], kind=kind,
                        name="名单.xlsx", data=xlsx([header, *rows]),
                        create_places=create_places)


def _classes(world):
    return set(SchoolClass.objects.filter(school=world.schools["a"])
               .values_list("name", flat=True))


def _errors(plan):
    return [(e.row, e.column, e.reason) for e in plan.errors]


def test_it_lists_new_grades_and_classes_in_the_dry_run_and_creates_nothing(world):
    rows = [_row(1, "八年级1班"), _row(2, "八年级（2）班"), _row(3, "八年级1班"),
            _row(4, "七年级1班", grade="七年级")]
    plan = _check(world, rows)
    assert plan.errors == []
    assert [r.action for r in plan.rows] == ["new"] * 4
    record = RosterImport.objects.get()
    assert record.create_places
    assert record.places == [
        {"kind": "unit", "name": "八年级", "unit": ""},
        {"kind": "class", "name": "八年级1班", "unit": "八年级"},
        {"kind": "class", "name": "八年级(2)班", "unit": "八年级"},  # NFKC
    ]
    assert _classes(world) == {"七年级1班", "七年级2班"}
    assert not Unit.objects.filter(name="八年级").exists()


def test_it_creates_them_when_applied_with_history_and_a_second_run_creates_nothing(world):
    admin = world.users["school_a_admin"]
    rows = [_row(1, "八年级1班"), _row(2, "八年级2班"), _row(3, "八年级1班")]
    result = roster_apply(actor=admin, plan=_check(world, rows))
    assert result.new == 3
    grade = Unit.objects.get(school=world.schools["a"], name="八年级")
    assert grade.kind == "grade"
    assert grade.history.get().history_user == admin
    klass = SchoolClass.objects.get(school=world.schools["a"], name="八年级1班")
    assert (klass.unit, klass.school_year) == (grade, current_school_year())
    assert klass.history.get().history_user == admin
    assert set(Person.objects.filter(number__in=["A2026001", "A2026003"])
               .values_list("klass", "unit")) == {(klass.pk, grade.pk)}

    again = _check(world, rows)
    assert again.places.listing() == []
    assert [r.action for r in again.rows] == ["unchanged"] * 3
    assert Unit.objects.filter(name="八年级").count() == 1


def test_a_refused_apply_creates_no_class(world):
    rows = [_row(1, "八年级1班"), [*_row(2, "八年级2班")[:2], "110101", "八年级", "八年级2班"]]
    plan = _check(world, rows)
    assert _errors(plan) == [(3, "身份证号", "bad_format")]
    with pytest.raises(RosterError) as caught:
        roster_apply(actor=world.users["school_a_admin"], plan=plan)
    assert caught.value.reason == "has_errors"
    assert _classes(world) == {"七年级1班", "七年级2班"}
    assert not Unit.objects.filter(name="八年级").exists()


def test_it_refuses_a_new_class_without_its_grade_or_with_two_or_in_a_department(world):
    rows = [_row(1, "八年级1班", grade=""), _row(2, "八年级2班"), _row(3, "八年级2班", "九年级"),
            _row(4, "八年级3班", grade="教务处"), _row(5, "八年级4班")]
    plan = _check(world, rows)
    assert _errors(plan) == [
        (2, "年级", "new_class_needs_grade"),
        (3, "班级", "class_in_two_grades"),
        (4, "班级", "class_in_two_grades"),
        (5, "年级", "not_a_grade"),
    ]
    assert "八年级1班" in plan.errors[0].message
    assert "3, 4" in plan.errors[1].message
    # Only the class that can be made, and only the grade it needs (not 九年级).
    assert [p["name"] for p in plan.places.listing()] == ["八年级", "八年级4班"]


def test_a_grade_is_made_only_for_a_new_class_not_for_a_misspelt_one(world):
    plan = _check(world, [_row(1, "七年级1班", grade="七年纪")])
    assert _errors(plan) == [(2, "年级", "unknown_unit")]
    assert plan.places.listing() == []


def test_it_creates_a_new_department_for_staff(world):
    rows = [["T2026001", "新老师", _id(31), "后勤处"]]
    plan = _check(world, rows, header=STAFF_HEADER, kind="staff")
    assert plan.errors == []
    roster_apply(actor=world.users["school_a_admin"], plan=plan)
    unit = Unit.objects.get(school=world.schools["a"], name="后勤处")
    assert unit.kind == "department"
    assert Person.objects.get(number="T2026001").unit == unit


def test_a_class_teacher_may_not_create_classes(world):
    with pytest.raises(RosterError) as caught:
        _check(world, [_row(1, "八年级1班")], user="teacher_a1")
    assert caught.value.reason == "cannot_create_places"
    assert _classes(world) == {"七年级1班", "七年级2班"}
    # Without the option their own class still imports.
    plan = _check(world, [_row(1, "七年级1班", grade="七年级")], user="teacher_a1",
                  create_places=False)
    assert plan.errors == []


def test_without_the_option_an_unknown_class_suggests_the_nearest(world):
    plan = _check(world, [_row(1, "七年级11班", grade="七年级"), _row(2, "火箭班", "七年级")],
                  create_places=False)
    assert _errors(plan) == [(2, "班级", "unknown_class"), (3, "班级", "unknown_class")]
    assert "七年级1班" in plan.errors[0].message
    assert "?" not in plan.errors[1].message and "？" not in plan.errors[1].message
    assert _classes(world) == {"七年级1班", "七年级2班"}


def test_a_stored_upload_creates_them_when_the_import_is_asked_for(world):
    admin = world.users["school_a_admin"]
    record = roster_upload(actor=admin, school=world.schools["a"], kind="student",
                           name="名单.xlsx", data=xlsx([HEADER, _row(1, "八年级1班")]),
                           create_places=True)
    record.refresh_from_db()
    assert record.status == ImportStatus.CHECKED
    assert [p["name"] for p in record.places] == ["八年级", "八年级1班"]
    assert "八年级1班" not in _classes(world)
    record = roster_apply_request(actor=admin, import_id=record.pk)
    assert (record.status, record.new) == (ImportStatus.APPLIED, 1)
    assert Person.objects.get(number="A2026001").klass.name == "八年级1班"


def _api(world, username, rows, query):
    client = Client()
    client.force_login(world.users[username])
    upload = SimpleUploadedFile("名单.xlsx", xlsx([HEADER, *rows]))
    return client.post(f"/api/v1/rosters/{world.schools['a'].pk}/import{query}",
                       {"file": upload})


def test_it_creates_them_through_the_api_and_refuses_a_class_teacher(world):
    rows = [_row(1, "八年级1班")]
    checked = _api(world, "school_a_admin", rows, "?create_places=true")
    assert checked.status_code == 200
    assert checked.json()["places"] == [{"kind": "unit", "name": "八年级", "unit": ""},
                                        {"kind": "class", "name": "八年级1班", "unit": "八年级"}]
    assert "八年级1班" not in _classes(world)
    refused = _api(world, "teacher_a1", rows, "?create_places=true&dry_run=false")
    assert (refused.status_code, refused.json()["code"]) == (400, "cannot_create_places")
    applied = _api(world, "school_a_admin", rows, "?create_places=true&dry_run=false")
    assert (applied.status_code, applied.json()["new"]) == (200, 1)
    assert "八年级1班" in _classes(world)
