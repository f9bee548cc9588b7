"""The guardian a student roster names (监护人姓名, 关系, 电话): a household member flagged
as the one to call, kept up to date by later imports, each change in its history."""

from apps.core.identity import mask_phone
from apps.people.models import HouseholdMember, Person
from apps.rosters.services import roster_apply, roster_check
from apps.rosters.tests.files import xlsx
from apps.rosters.tests.test_services import _id

HEADER = ["学号", "姓名", "身份证号", "班级", "监护人姓名", "监护人关系", "监护人电话"]


def _row(n, guardian=("张父", "父亲", "13900000001"), klass="七年级1班"):
    return [f"A2026{n:03d}", f"新生{n}", _id(n), klass, *guardian]


def _import(world, rows, header=HEADER):
    admin = world.users["school_a_admin"]
    plan = roster_check(actor=admin, school=world.schools["a"], kind="student",
                        name="名单.xlsx", data=xlsx([header, *rows]))
    if plan.errors:
        return plan
    roster_apply(actor=admin, plan=plan)
    return plan


def _guardians(number):
    return list(HouseholdMember.objects.filter(person__number=number)
                .order_by("name").values_list("name", "relation", "phone", "guardian"))


def test_it_keeps_the_named_guardian_as_the_household_member_to_call(world):
    _import(world, [_row(1), _row(2, ("李母", "母亲", ""))])
    assert _guardians("A2026001") == [("张父", "父亲", "13900000001", True)]
    assert _guardians("A2026002") == [("李母", "母亲", "", True)]
    member = HouseholdMember.objects.get(person__number="A2026001")
    assert member.school == world.schools["a"]
    assert member.history.get().history_user == world.users["school_a_admin"]


def test_a_second_import_changes_only_what_changed(world):
    _import(world, [_row(1), _row(2)])
    history = HouseholdMember.history.count()
    _import(world, [_row(1), _row(2)])
    assert HouseholdMember.history.count() == history  # nothing changed, nothing recorded
    _import(world, [_row(1, ("张父", "父亲", "13900000009")), _row(2, ("王姨", "姨妈", ""))])
    assert _guardians("A2026001") == [("张父", "父亲", "13900000009", True)]
    assert _guardians("A2026002") == [("张父", "父亲", "13900000001", False),
                                      ("王姨", "姨妈", "", True)]


def test_it_guards_an_existing_student_without_changing_the_student(world):
    a1 = world.persons["a1_student"]
    history = a1.history.count()
    row = ["A2024001", a1.name, a1.plain_document, "七年级1班", "张爸", "父亲", "13700000000"]
    plan = _import(world, [row])
    assert [r.action for r in plan.rows] == ["unchanged"]
    assert ("张爸", "父亲", "13700000000", True) in _guardians("A2024001")
    assert Person.objects.get(pk=a1.pk).history.count() == history


def test_it_names_each_bad_guardian_field_and_imports_nothing(world):
    plan = _import(world, [_row(1, ("张父", "", "13900000001")),
                           _row(2, ("", "母亲", "")),
                           _row(3, ("赵父", "父亲", "12345"))])
    assert [(e.row, e.column, e.reason) for e in plan.errors] == [
        (2, "监护人关系", "required"), (3, "监护人姓名", "required"),
        (4, "监护人电话", "bad_phone")]
    assert plan.errors[2].value == mask_phone("12345")  # a phone is shown masked
    assert not HouseholdMember.objects.filter(person__number__startswith="A2026").exists()


def test_a_file_without_guardian_columns_leaves_households_alone(world):
    _import(world, [_row(1)])
    _import(world, [_row(1)[:4]], header=HEADER[:4])
    assert _guardians("A2026001") == [("张父", "父亲", "13900000001", True)]


def test_staff_rosters_take_no_guardian(world):
    header = ["工号", "姓名", "身份证号", "部门", "监护人姓名"]
    admin = world.users["school_a_admin"]
    plan = roster_check(actor=admin, school=world.schools["a"], kind="staff", name="s.xlsx",
                        data=xlsx([header, ["T1", "老师", _id(40), "教务处", "某人"]]))
    assert plan.columns.ignored == ["监护人姓名"] and plan.errors == []
    roster_apply(actor=admin, plan=plan)
    assert Person.objects.filter(number="T1").exists()
    assert not HouseholdMember.objects.filter(person__number="T1").exists()


def test_a_stored_upload_writes_its_guardians_too(world):
    """The worker's path (on PostgreSQL the rows are checked while the people are written)."""
    from apps.rosters.services import roster_apply_request, roster_upload

    admin = world.users["school_a_admin"]
    record = roster_upload(actor=admin, school=world.schools["a"], kind="student",
                           name="名单.xlsx", data=xlsx([HEADER, _row(1), _row(2)]))
    record = roster_apply_request(actor=admin, import_id=record.pk)
    assert (record.status, record.new) == ("applied", 2)
    assert _guardians("A2026002") == [("张父", "父亲", "13900000001", True)]
