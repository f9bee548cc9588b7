"""The class roll (late, missing), the flags, completion by class, unit and school, today's
abnormal list and the trend, each seen by the personas."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import Http404

from apps.health import conf, selectors
from apps.health.models import CheckIn
from apps.health.tests.conftest import at
from apps.people.models import Person

pytestmark = pytest.mark.django_db


def put(world, person, *, day_offset=0, slot="morning", temperature="36.5", symptoms=(),
        abnormal=None, hour=7, device="", submitted_as="guardian", fever=None):
    """A check-in row written straight to the table (submission has its own tests)."""
    person = world.persons[person] if isinstance(person, str) else person
    day = at(7).date() - timedelta(days=day_offset)
    fever = Decimal(temperature) >= Decimal("37.3") if fever is None else fever
    return CheckIn.objects.create(
        school_id=person.school_id, person=person, day=day, slot=slot,
        temperature=temperature, symptoms=list(symptoms), fever=fever,
        abnormal=bool(symptoms) or fever if abnormal is None else abnormal,
        submitted_as=submitted_as, submitted_at=at(hour, 0, day), device=device,
        late=at(hour, 0, day) > conf.due_at(day, slot), client_id=f"{person.pk}-{day}-{slot}")


def roll(world, user="teacher_a1", klass="a_c1", slot="morning", hour=9):
    return selectors.class_roll(user=world.users[user], klass=world.classes[klass],
                                day=at(7).date(), slot=slot, now=at(hour))


def names(rows) -> list[str]:
    return [row["name"] for row in rows]


def test_it_lists_done_late_and_missing_for_a_class_slot(world):
    put(world, "a1_student", hour=7)
    r = roll(world)
    assert names(r.done) == ["张小明"] and names(r.late) == []
    assert names(r.missing) == ["刘小红"] and r.expected == 2 and r.overdue
    put(world, "a1_student2", hour=9)
    r = roll(world)
    assert names(r.late) == ["刘小红"] and r.missing == []


def test_it_expects_only_boarders_in_the_evening(world):
    boarder = world.persons["a1_student2"]
    boarder.residence = "boarder"
    boarder.save()
    assert names(roll(world, slot="evening", hour=20).missing) == ["刘小红"]


def test_it_keeps_another_class_out_of_a_teachers_reach(world):
    with pytest.raises(Http404):
        selectors.class_get(user=world.users["teacher_a2"], pk=world.classes["a_c1"].pk)
    assert selectors.class_get(user=world.users["teacher_a1"],
                               pk=world.classes["a_c1"].pk).name == "七年级1班"


def test_it_flags_the_same_temperature_day_after_day(world, settings):
    for offset in range(5):
        put(world, "a1_student", day_offset=offset, temperature="36.5")
        put(world, "a1_student2", day_offset=offset, temperature=f"36.{offset + 1}")
    flags = selectors.class_flags(user=world.users["teacher_a1"], klass=world.classes["a_c1"],
                                  day=at(7).date(), slot="morning")
    assert [p["name"] for p in flags.same_temperature] == ["张小明"]
    assert flags.class_identical is None  # two people are not a class


def test_it_does_not_flag_four_days_of_the_same_temperature(world):
    for offset in range(4):
        put(world, "a1_student", day_offset=offset, temperature="36.5")
    flags = selectors.class_flags(user=world.users["teacher_a1"], klass=world.classes["a_c1"],
                                  day=at(7).date(), slot="morning")
    assert not flags


def _more_students(world, n: int) -> list[Person]:
    model = Person.objects.get(pk=world.persons["a1_student2"].pk)  # a copy to clone from
    made = []
    for i in range(n):
        model.pk = None
        model.number, model.doc_hash, model.name = f"X{i:03d}", f"h{i}", f"学生{i}"
        model.save()
        made.append(Person.objects.get(pk=model.pk))
    return made


def test_it_flags_a_whole_class_with_one_temperature(world):
    for person in [world.persons["a1_student"], *_more_students(world, 4)]:
        put(world, person, temperature="36.6")
    flags = selectors.class_flags(user=world.users["teacher_a1"], klass=world.classes["a_c1"],
                                  day=at(7).date(), slot="morning")
    assert flags.class_identical == "36.6"


def test_it_flags_one_device_for_many_people_but_not_the_teachers_own(world):
    others = _more_students(world, 2)
    for i, person in enumerate([world.persons["a1_student"], *others]):
        put(world, person, device="phone-1", temperature=f"36.{i}")
    put(world, "a1_student2", device="teacher-phone", submitted_as="teacher")
    flags = selectors.class_flags(user=world.users["teacher_a1"], klass=world.classes["a_c1"],
                                  day=at(7).date(), slot="morning")
    assert flags.shared_devices == [(3, ["学生0", "学生1", "张小明"])]


def test_it_counts_completion_by_class_and_unit_of_a_school(world):
    put(world, "a1_student", hour=7)
    put(world, "a2_student", hour=9, temperature="38.0")
    c = selectors.school_completion(user=world.users["school_a_admin"],
                                    school=world.schools["a"], day=at(7).date(), slot="morning")
    by_class = {line.label: (line.expected, line.done, line.late, line.missing, line.abnormal)
                for line in c["classes"]}
    assert by_class == {"七年级1班": (2, 1, 0, 1, 0), "七年级2班": (1, 1, 1, 0, 1)}
    by_unit = {line.label: (line.expected, line.done) for line in c["units"]}
    assert by_unit == {"七年级": (3, 2), "教务处": (1, 0)}
    assert (c["total"].expected, c["total"].done, c["total"].percent) == (4, 2, 50.0)


def test_it_counts_only_the_unit_leads_unit(world):
    put(world, "a1_student")
    c = selectors.school_completion(user=world.users["unit_lead_a"], school=world.schools["a"],
                                    day=at(7).date(), slot="morning")
    assert [line.label for line in c["units"]] == ["七年级"] and c["total"].expected == 3


def test_it_counts_completion_by_school_for_a_bureau_only_in_its_region(world):
    put(world, "a1_student")
    put(world, "b1_student", temperature="38.1")
    province = selectors.bureau_completion(user=world.users["province"], day=at(7).date(),
                                           slot="morning")
    assert {(line.label, line.expected, line.done, line.abnormal)
            for line in province["schools"]} == {("金水区第一中学", 4, 1, 0),
                                                 ("涧西区实验中学", 1, 1, 1)}
    assert (province["total"].expected, province["total"].done) == (5, 2)
    jinshui = selectors.bureau_completion(user=world.users["jinshui_bureau"],
                                          day=at(7).date(), slot="morning")
    assert [line.label for line in jinshui["schools"]] == ["金水区第一中学"]
    other = selectors.bureau_completion(user=world.users["zhongyuan_bureau"],
                                        day=at(7).date(), slot="morning")
    assert other["schools"] == [] and other["total"].expected == 0


def test_it_lists_todays_abnormal_check_ins_in_scope(world):
    put(world, "a1_student", temperature="38.2")
    put(world, "a2_student", symptoms=["cough"])
    put(world, "b1_student", temperature="39.0")
    put(world, "a1_student2", day_offset=1, temperature="38.5")
    day = at(7).date()

    def seen(user):
        return {c.person.name for c in selectors.abnormal_checkins(user=world.users[user],
                                                                   day=day)}
    assert seen("reporter_a") == {"张小明", "陈小刚"}
    assert seen("teacher_a1") == {"张小明"}
    assert seen("luoyang_bureau") == {"孙小丽"}
    assert seen("zhongyuan_bureau") == set()
    assert seen("guardian_a1") == set()


def test_it_counts_the_trend_by_day_with_symptoms(world):
    put(world, "a1_student", temperature="38.2", symptoms=["cough"])
    put(world, "a2_student", symptoms=["cough", "rash"])
    put(world, "a1_student2", day_offset=2, temperature="37.5")
    put(world, "a1_student2", day_offset=20, temperature="39.5")  # before the window
    t = selectors.trend(user=world.users["school_a_admin"], today=at(7).date())
    assert len(t["labels"]) == 14 and t["labels"][-1] == at(7).date().isoformat()
    assert t["abnormal"][-1] == 2 and t["abnormal"][-3] == 1 and sum(t["abnormal"]) == 3
    assert t["fever"][-1] == 1 and t["fever"][-3] == 1
    assert t["symptoms"] == {"cough": [0] * 13 + [2], "rash": [0] * 13 + [1]}
    other = selectors.trend(user=world.users["luoyang_bureau"], today=at(7).date())
    assert sum(other["abnormal"]) == 0


def test_it_lists_grades_and_classes_by_rung_not_by_character(world):
    from shaodian.testing.world import add_grades

    add_grades(world, "a")
    c = selectors.school_completion(user=world.users["school_a_admin"], school=world.schools["a"],
                                    day=at(7).date(), slot="morning")
    assert [line.label for line in c["units"]] == ["七年级", "八年级", "九年级", "教务处"]
    assert [line.label for line in c["classes"]] == ["七年级1班", "七年级2班", "八年级1班",
                                                      "九年级1班"]
