"""A staff roster's class column (班级, 任教班级): the class a staff member teaches
(Person.teaches_class), from which staff accounts appoint the class teachers. Written by
the checked import and by the plan applied at once (streamed on PostgreSQL) alike."""

from datetime import date

from django.db import connection

from apps.accounts.services import staff_accounts_create
from apps.orgs.models import SchoolClass
from apps.people.models import Person
from apps.rosters.reading import read_table
from apps.rosters.services import (
    roster_apply,
    roster_check,
    roster_plan,
)
from apps.rosters.tests.files import xlsx
from apps.rosters.tests.test_services import _id

BORN = date(1985, 6, 1)
HEADER = ["工号", "姓名", "身份证号码", "部门", "班级"]
POSTGRES = connection.vendor == "postgresql"


def _staff(n, klass="", unit="七年级"):
    return [f"T2{n:03d}", f"老师{n}", _id(n, BORN), unit, klass]


def _check(world, rows, header=HEADER, create_places=False):
    return roster_check(actor=world.users["school_a_admin"], school=world.schools["a"],
                        kind="staff", name="教职工.xlsx", data=xlsx([header, *rows]),
                        create_places=create_places)


def _import(world, rows, header=HEADER):
    plan = _check(world, rows, header)
    assert plan.errors == []
    return roster_apply(actor=world.users["school_a_admin"], plan=plan)


def _taught(number):
    return Person.objects.get(number=number).teaches_class


def _errors(plan):
    return [(e.row, e.column, e.reason) for e in plan.errors]


def test_it_reads_the_class_a_staff_member_teaches(world):
    result = _import(world, [_staff(1, "七年级1班"), _staff(2, "七年级２班"), _staff(3)])
    assert result.new == 3
    assert _taught("T2001") == world.classes["a_c1"]
    assert _taught("T2002") == world.classes["a_c2"]  # width and spaces as for students
    assert _taught("T2003") is None
    person = Person.objects.get(number="T2001")
    assert person.klass is None and person.unit == world.units["a_grade"]
    assert person.history.get().teaches_class_id == world.classes["a_c1"].pk


def test_the_template_title_and_english_are_read_too(world):
    for header in ("任教班级", "Class taught"):
        plan = _check(world, [_staff(1, "七年级1班")], [*HEADER[:4], header])
        assert plan.errors == [] and plan.rows[0].values["teaches_class_id"] == \
            world.classes["a_c1"].pk


def test_an_unknown_class_is_named_by_row_and_column_with_the_nearest(world):
    plan = _check(world, [_staff(1, "七年级1班"), _staff(2, "七年级11班"),
                          _staff(3, "七年级2班", unit="教务处")])
    assert _errors(plan) == [(3, "班级", "unknown_class")]
    assert "七年级1班" in plan.errors[0].message
    assert plan.errors[0].value == "七年级11班"
    # Another school's class is unknown here.
    plan = _check(world, [_staff(4, world.classes["b_c1"].name + "X")])
    assert _errors(plan) == [(2, "班级", "unknown_class")]


def test_a_second_run_changes_nothing_and_an_empty_cell_then_means_no_class(world):
    rows = [_staff(1, "七年级1班"), _staff(2, "七年级2班")]
    _import(world, rows)
    again = _import(world, rows)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    # A file without the column leaves the class taught as it is.
    kept = _import(world, [row[:4] for row in rows], HEADER[:4])
    assert (kept.updated, kept.unchanged) == (0, 2)
    assert _taught("T2001") == world.classes["a_c1"]
    # An empty cell in the column: no class, as for the other optional columns.
    cleared = _import(world, [_staff(1, ""), _staff(2, "七年级1班")])
    assert (cleared.updated, cleared.unchanged) == (2, 0)
    assert _taught("T2001") is None and _taught("T2002") == world.classes["a_c1"]
    reason = Person.objects.get(number="T2001").history.first().history_change_reason
    assert "teaches_class_id" in reason


def test_a_new_class_is_made_in_a_grade_when_asked_for(world):
    rows = [_staff(1, "七年级5班"), _staff(2, "七年级6班", unit="教务处"),
            _staff(3, "九年级1班", unit="九年级组")]
    plan = _check(world, rows, create_places=True)
    assert _errors(plan) == [(3, "部门", "not_a_grade"), (4, "部门", "new_class_needs_grade")]
    assert [p["name"] for p in plan.places.listing() if p["kind"] == "class"] == ["七年级5班"]
    roster_apply(actor=world.users["school_a_admin"], plan=plan, valid_only=True)
    made = SchoolClass.objects.get(school=world.schools["a"], name="七年级5班")
    assert made.unit == world.units["a_grade"] and _taught("T2001") == made


def test_a_plan_applied_at_once_writes_the_class_taught(world, small_chunks):
    rows = [_staff(n, "七年级1班" if n % 3 == 0 else "七年级2班" if n % 3 == 1 else "")
            for n in range(1, 31)]
    plan = roster_plan(actor=world.users["school_a_admin"], school=world.schools["a"],
                       kind="staff", table=read_table("教职工.xlsx", xlsx([HEADER, *rows])),
                       compare=False)
    assert plan.unchecked == POSTGRES  # the worker's path: checked while COPY writes
    result = roster_apply(actor=world.users["school_a_admin"], plan=plan)
    assert result.new == 30
    assert _taught("T2003") == world.classes["a_c1"]
    assert _taught("T2004") == world.classes["a_c2"]
    assert _taught("T2005") is None
    history = Person.history.get(number="T2003")
    assert history.teaches_class_id == world.classes["a_c1"].pk


def test_staff_accounts_appoint_the_teacher_of_the_class_the_roster_names(world):
    c3 = SchoolClass.objects.create(school=world.schools["a"], unit=world.units["a_grade"],
                                    name="七年级3班")
    _import(world, [_staff(2, "七年级3班"), _staff(1, "七年级3班"), _staff(3, "七年级1班"),
                    _staff(4)])
    made = staff_accounts_create(actor=world.users["school_a_admin"],
                                 school_ids=[world.schools["a"].pk])
    assert made.teachers == 1  # 七年级1班 has its teacher already
    c3.refresh_from_db()
    assert c3.teacher == Person.objects.get(number="T2001").user  # first by staff number
    places = {code.username: code.place for code in made.issued}
    assert places["4101050001-t2002"] == "七年级3班"
    assert places["4101050001-t2004"] == "七年级"
    again = staff_accounts_create(actor=world.users["school_a_admin"],
                                  school_ids=[world.schools["a"].pk])
    assert (again.issued, again.teachers) == ([], 0)
