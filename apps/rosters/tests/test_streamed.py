"""A plan applied at once (roster_plan(compare=False), as the worker and the benchmark
apply it): on PostgreSQL its rows are checked while the new people are written, on both
cores for a large file. Whatever the database, the outcome is the one of a checked plan:
the same people, history and counts, and nothing written when any row is wrong."""

from datetime import date

import pytest
from django.db import connection

from apps.core.crypto import decrypt_text, keyed_hash
from apps.people.models import Person
from apps.rosters.reading import RosterError, read_table
from apps.rosters.services import checker, planning, roster_apply, roster_plan, streamed
from apps.rosters.tests.files import xlsx
from apps.rosters.tests.test_services import HEADER, _id, _student

POSTGRES = connection.vendor == "postgresql"


def _plan(world, rows, user="school_a_admin"):
    table = read_table("名单.xlsx", xlsx([HEADER, *rows]))
    return roster_plan(actor=world.users[user], school=world.schools["a"], kind="student",
                       table=table, compare=False)


def _apply(world, rows, user="school_a_admin", **kwargs):
    return roster_apply(actor=world.users[user], plan=_plan(world, rows, user), **kwargs)


def _in_school(world):
    return Person.objects.filter(school=world.schools["a"])


@pytest.mark.parametrize("forked", [False, True])
def test_it_writes_what_a_checked_plan_writes(world, monkeypatch, forked):
    if forked:
        monkeypatch.setattr(planning, "PARALLEL_ROWS", 10)
        monkeypatch.setattr(streamed, "STREAM_CHUNK", 4)
        monkeypatch.setattr(checker, "CHILD_CHUNK", 5)
    a1 = world.persons["a1_student"]
    rows = [_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 31)]
    rows.append(_student("A2024001", "张小明", 11, klass="七年级2班", 身份证号=a1.plain_document,
                         出生日期="2010-05-04", 性别="男"))  # moved to class 2
    rows.append(_student("A2024002", "刘小红", 12,
                         身份证号=world.persons["a1_student2"].plain_document,
                         出生日期="2010/5/4", 性别="女"))  # unchanged
    plan = _plan(world, rows)
    assert plan.unchecked == POSTGRES
    result = roster_apply(actor=world.users["school_a_admin"], plan=plan)
    assert (result.new, result.updated, result.unchanged, result.rejected) == (30, 1, 1, 0)
    assert [(r.row, r.action) for r in plan.rows[-2:]] == [(32, "updated"), (33, "unchanged")]
    created = _in_school(world).get(number="A2025007")
    assert decrypt_text(created.doc_cipher) == _id(7) and created.doc_hash == keyed_hash(_id(7))
    assert created.doc_masked.startswith("4101") and "*" in created.doc_masked
    assert (created.klass, created.unit) == (world.classes["a_c1"], world.units["a_grade"])
    assert created.birth_date == date(2011, 3, 1) and created.sex == "M"
    history = created.history.get()
    assert (history.history_type, history.history_change_reason) == ("+",
                                                                     "created: roster import")
    assert history.history_user == world.users["school_a_admin"]
    a1.refresh_from_db()
    assert a1.klass == world.classes["a_c2"]
    reason = a1.history.first().history_change_reason
    assert reason.startswith("moved class: 七年级1班 -> 七年级2班")
    again = _apply(world, rows)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 32)
    assert _in_school(world).filter(number__startswith="A2025").count() == 30


def test_a_wrong_row_anywhere_writes_nothing_and_every_error_is_told(world, small_chunks):
    before = _in_school(world).count()
    rows = [_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 41)]
    rows[2] = _student("A2025003", "甲", 3, 班级="无此班")  # row 4, read here
    rows[30] = _student("A2025001", "重复", 61)  # row 32: the number of row 2, in the child
    rows[35] = _student("A2025036", "乙", 71, 身份证号=world.persons["a2_student"].plain_document,
                        出生日期="2010-05-04", 性别="男")  # row 37: a2's document
    rows[38] = _student("A2025039", "丙", 39, 手机="1380013")  # row 40
    plan = _plan(world, rows)
    with pytest.raises(RosterError) as caught:
        roster_apply(actor=world.users["school_a_admin"], plan=plan)
    assert caught.value.reason == "has_errors"
    assert [(e.row, e.column, e.reason) for e in plan.errors] == [
        (2, "学号", "duplicate_in_file"), (4, "班级", "unknown_class"),
        (32, "学号", "duplicate_in_file"), (37, "身份证号", "duplicate_document"),
        (40, "手机", "bad_phone")]
    assert _in_school(world).count() == before
    assert not Person.history.filter(number__startswith="A2025").exists()


def test_a_late_error_takes_back_the_people_already_written(world, small_chunks):
    rows = [_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 31)]
    rows.append(_student("A2025031", "甲", 31, 班级="无此班"))  # the last row, in the child
    with pytest.raises(RosterError):
        _apply(world, rows)
    assert not _in_school(world).filter(number__startswith="A2025").exists()


def test_the_same_document_in_both_id_forms_is_caught_across_the_two_processes(
        world, small_chunks):
    legacy = "410105850301011"  # born 1985-03-01
    from apps.core.identity import upgrade_legacy_id

    rows = [_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 21)]
    rows[0] = _student("T900", "老职工", 1, 身份证号=legacy, 出生日期="1985-03-01")
    rows[19] = _student("T901", "老职工", 1, 身份证号=upgrade_legacy_id(legacy),
                        出生日期="1985-03-01")
    plan = _plan(world, rows)
    with pytest.raises(RosterError):
        roster_apply(actor=world.users["school_a_admin"], plan=plan)
    assert [(e.row, e.reason) for e in plan.errors] == [(2, "duplicate_in_file"),
                                                        (21, "duplicate_in_file")]
    assert not _in_school(world).filter(number__in=["T900", "T901"]).exists()


def test_valid_rows_only_checks_every_row_first(world, small_chunks):
    rows = [_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 21)]
    rows[4] = _student("A2025005", "甲", 5, 班级="无此班")
    result = _apply(world, rows, valid_only=True)
    assert (result.new, result.rejected) == (19, 1)
    assert not _in_school(world).filter(number="A2025005").exists()


def test_a_class_teacher_writes_their_class_only(world, small_chunks):
    rows = [_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 21)]
    rows[15] = _student("A2025016", "乙", 16, 班级="七年级2班")
    plan = _plan(world, rows, user="teacher_a1")
    with pytest.raises(RosterError):
        roster_apply(actor=world.users["teacher_a1"], plan=plan)
    assert [(e.row, e.reason) for e in plan.errors] == [(17, "out_of_scope")]
    assert not _in_school(world).filter(number__startswith="A2025").exists()
    assert _apply(world, rows, user="teacher_a1", valid_only=True).new == 19


@pytest.mark.skipif(not POSTGRES, reason="COPY and its foreign keys: PostgreSQL")
def test_losing_a_race_while_writing_is_a_conflict_and_saves_nothing(world, small_chunks,
                                                                     monkeypatch):
    rows = [_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 21)]
    plan = _plan(world, rows)
    taken = streamed._school_people

    def as_read_before_someone_added_a2025003(plan):
        people = taken(plan)
        Person.objects.create(
            school=world.schools["a"], kind="student", number="A2025003", name="别人",
            sex="M", birth_date=date(2011, 3, 1), doc_type="resident_id", doc_cipher=b"x",
            doc_hash="h" * 64, doc_masked="x", klass=world.classes["a_c1"],
            unit=world.units["a_grade"])
        return people

    monkeypatch.setattr(streamed, "_school_people", as_read_before_someone_added_a2025003)
    with pytest.raises(RosterError) as caught:
        roster_apply(actor=world.users["school_a_admin"], plan=plan)
    assert caught.value.reason == "conflict"
    assert not _in_school(world).filter(number__startswith="A2025").exists()


@pytest.mark.skipif(not POSTGRES, reason="SET CONSTRAINTS: PostgreSQL")
def test_foreign_keys_are_checked_as_each_chunk_is_written_then_deferred_again(
        world, small_chunks):
    _apply(world, [_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 21)])
    with connection.cursor() as cursor:  # deferred again: a dangling id waits for the commit
        cursor.execute("UPDATE people_person SET klass_id = -1 WHERE number = 'A2025001'")
        cursor.execute("UPDATE people_person SET klass_id = %s WHERE number = 'A2025001'",
                       [world.classes["a_c1"].pk])


@pytest.mark.parametrize("checked", [True, False])
def test_beds_count_the_people_who_stay_and_those_the_file_adds(world, checked):
    from apps.orgs.models import DormRoom
    from apps.rosters.services import roster_check

    room = DormRoom.objects.create(school=world.schools["a"], building="1号楼", room="101",
                                   beds=2)
    a1 = world.persons["a1_student"]
    Person.objects.filter(pk=a1.pk).update(residence="boarder", dorm_room=room)
    header = [*HEADER, "宿舍"]

    def boarder(number, name, seq, **kwargs):
        return [*_student(number, name, seq, 住宿="住校", **kwargs), "1号楼101"]

    stays = boarder("A2024001", "张小明", 11, 身份证号=a1.plain_document, 出生日期="2010-05-04",
                    性别="男")
    rows = [stays, boarder("A2025001", "甲", 1), boarder("A2025002", "乙", 3)]

    def plan_of(rows):
        data = xlsx([header, *rows])
        if checked:
            return roster_check(actor=world.users["school_a_admin"],
                                school=world.schools["a"], kind="student", name="x.xlsx",
                                data=data)
        return roster_plan(actor=world.users["school_a_admin"], school=world.schools["a"],
                           kind="student", table=read_table("x.xlsx", data), compare=False)

    plan = plan_of(rows)  # a1 stays, two more: three in two beds
    with pytest.raises(RosterError):
        roster_apply(actor=world.users["school_a_admin"], plan=plan)
    assert [(e.row, e.reason) for e in plan.errors] == [(4, "room_full")]
    result = roster_apply(actor=world.users["school_a_admin"], plan=plan_of(rows[:2]))
    assert (result.new, result.unchanged, result.rejected) == (1, 1, 0)
    assert _in_school(world).filter(dorm_room=room).count() == 2
