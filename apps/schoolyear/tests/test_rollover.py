"""The school-year rollover: grades move up, the last graduates (its people inactive, history
kept), the intake grade opens new classes; a dry run first; once per school and year; each
admin only over their own schools."""

import pytest

from apps.orgs.models import SchoolClass, Unit
from apps.people.models import Person
from apps.schoolyear.models import Rollover
from apps.schoolyear.services import rollover_plan, school_year_rollover

pytestmark = pytest.mark.django_db


def _open(school):
    return {c.name: c.unit.name for c in SchoolClass.objects.filter(
        school=school, closed_at__isnull=True).select_related("unit")}


def test_the_dry_run_shows_what_will_change_and_changes_nothing(world):
    plan = rollover_plan(actor=world.users["school_a_admin"], to_year=2027)
    (school,) = plan.schools
    assert school.school_id == world.schools["a"].pk
    assert [(old, new) for _pk, old, new in school.units] == [("七年级", "八年级")]
    assert [(old, new) for _pk, old, new in school.classes] == [
        ("七年级1班", "八年级1班"), ("七年级2班", "八年级2班")]
    assert school.intake == [("七年级", ["七年级1班", "七年级2班"])]
    assert (school.graduated_units, school.graduates) == ([], 0)
    assert _open(world.schools["a"]) == {"七年级1班": "七年级", "七年级2班": "七年级"}
    assert not Rollover.objects.exists()


def test_it_promotes_every_class_and_opens_the_intake_keeping_people_in_their_class(world):
    a, admin = world.schools["a"], world.users["school_a_admin"]
    student = world.persons["a1_student"]
    school_year_rollover(actor=admin, to_year=2027)
    assert _open(a) == {"八年级1班": "八年级", "八年级2班": "八年级",
                        "七年级1班": "七年级", "七年级2班": "七年级"}
    student.refresh_from_db()
    assert (student.klass.name, student.unit.name, student.active) == ("八年级1班", "八年级", True)
    assert student.klass.teacher == world.users["teacher_a1"]  # the teacher moves up with it
    assert set(SchoolClass.objects.filter(school=a).values_list("school_year", flat=True)) \
        == {2027}
    moved = SchoolClass.objects.get(name="八年级1班")
    assert moved.history.first().history_change_reason == "school-year rollover to 2027-2028"
    assert moved.history.first().history_user == admin
    assert Unit.objects.get(school=a, name="七年级").history.get().history_user == admin
    assert Rollover.objects.get(school=a).promoted_classes == 2


def test_a_second_run_for_the_same_year_changes_nothing(world):
    admin = world.users["school_a_admin"]
    school_year_rollover(actor=admin, to_year=2027)
    before = _open(world.schools["a"])
    again = school_year_rollover(actor=admin, to_year=2027)
    assert [s.done for s in again.schools] == [True]
    assert _open(world.schools["a"]) == before
    assert Rollover.objects.count() == 1


def test_the_last_grade_graduates_its_people_inactive_with_history(world):
    a, admin = world.schools["a"], world.users["school_a_admin"]
    for year in (2027, 2028):
        school_year_rollover(actor=admin, to_year=year)
    history = world.persons["a1_student"].history.count()
    assert sorted(set(_open(a).values())) == ["七年级", "九年级", "八年级"]
    plan = rollover_plan(actor=admin, to_year=2029)
    assert plan.schools[0].graduates == 3  # a1_student, a1_student2, a2_student
    school_year_rollover(actor=admin, to_year=2029)
    student = Person.objects.get(pk=world.persons["a1_student"].pk)
    assert not student.active
    assert student.klass.name == "2029届九年级1班"
    assert student.klass.closed_at is not None and student.klass.teacher is None
    last = student.history.first()
    assert (last.active, last.history_user, last.history_change_reason) == (
        False, admin, "graduated: school year 2028-2029")
    assert student.history.count() == history + 1
    assert Unit.objects.get(school=a, name="2029届九年级").closed_at is not None
    assert sorted(set(_open(a).values())) == ["七年级", "九年级", "八年级"]
    assert world.persons["b1_student"].__class__.objects.get(
        pk=world.persons["b1_student"].pk).active  # another school untouched


def test_a_bureau_rolls_over_its_schools_only(world):
    plan = rollover_plan(actor=world.users["jinshui_bureau"], to_year=2027)
    assert [s.school_id for s in plan.schools] == [world.schools["a"].pk]
    school_year_rollover(actor=world.users["jinshui_bureau"], to_year=2027)
    assert "八年级1班" in _open(world.schools["a"])
    assert "八年级1班" not in _open(world.schools["b"])


@pytest.mark.parametrize("user", ["teacher_a1", "school_b_admin", "zhongyuan_bureau"])
def test_others_may_not_roll_over_the_school(world, user):
    plan = rollover_plan(actor=world.users[user], school=world.schools["a"], to_year=2027)
    assert plan.schools == []
    school_year_rollover(actor=world.users[user], school=world.schools["a"], to_year=2027)
    assert "八年级1班" not in _open(world.schools["a"])


def test_two_grades_for_one_year_leave_the_school_as_it_is(world):
    Unit.objects.create(school=world.schools["a"], name="初一", kind="grade")
    plan = school_year_rollover(actor=world.users["school_a_admin"], to_year=2027)
    assert plan.schools[0].problems
    assert "八年级1班" not in _open(world.schools["a"])
    assert not Rollover.objects.exists()


def _client(world, user):
    from django.test import Client

    client = Client()
    client.force_login(world.users[user])
    return client


def test_it_runs_through_the_api_as_a_dry_run_then_applied(world):
    client, a = _client(world, "school_a_admin"), world.schools["a"]
    dry = client.post("/api/v1/rollover", {"to_year": 2027, "school_id": a.pk},
                      content_type="application/json")
    assert dry.status_code == 200
    body = dry.json()
    assert body["dry_run"] and body["schools"][0]["grades"][0]["new"] == "八年级"
    assert body["schools"][0]["intake"] == [{"grade": "七年级",
                                             "classes": ["七年级1班", "七年级2班"]}]
    assert "八年级1班" not in _open(a)
    applied = client.post("/api/v1/rollover", {"to_year": 2027, "dry_run": False},
                          content_type="application/json")
    assert applied.json()["schools"][0]["done"]
    assert "八年级1班" in _open(a)


def test_the_api_answers_404_for_a_school_out_of_scope(world):
    response = _client(world, "school_b_admin").post(
        "/api/v1/rollover", {"school_id": world.schools["a"].pk, "dry_run": False},
        content_type="application/json")
    assert response.status_code == 404
    assert "八年级1班" not in _open(world.schools["a"])


def test_the_page_shows_the_dry_run_and_applies_it(world):
    client, a = _client(world, "school_a_admin"), world.schools["a"]
    page = client.get("/setup/rollover/?to_year=2027")
    assert page.status_code == 200
    assert "七年级 → 八年级" in page.content.decode()
    assert "八年级1班" not in _open(a)
    done = client.post("/setup/rollover/", {"to_year": 2027}, follow=True)
    assert "八年级1班" in _open(a)
    assert "2027-2028" in done.content.decode()


def test_a_class_teacher_has_no_rollover_page(world):
    assert _client(world, "teacher_a1").get("/setup/rollover/").status_code == 404


def test_a_graduated_classs_teacher_loses_it_in_every_process_at_once(world):
    from apps.access.models import User

    admin, teacher = world.users["school_a_admin"], world.users["teacher_a1"]
    for year in (2027, 2028):
        school_year_rollover(actor=admin, to_year=year)
    before = User.objects.get(pk=teacher.pk).access_version
    school_year_rollover(actor=admin, to_year=2029)
    assert User.objects.get(pk=teacher.pk).access_version == before + 1  # cached grants end
    assert not SchoolClass.objects.filter(teacher=teacher, closed_at__isnull=True).exists()
