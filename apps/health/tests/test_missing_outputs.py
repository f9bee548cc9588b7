"""The check-in missing list printed and exported: one class's, a whole school's (a section
and a sheet per class, grades in ladder order), scoped and access-logged."""

import pytest
from django.urls import reverse

from apps.access.models import AccessLog
from shaodian.testing.outputs import client_for, header_row, read_xlsx, refused_unlogged
from shaodian.testing.world import add_grades

pytestmark = pytest.mark.django_db


def test_it_prints_a_class_teachers_missing_list_and_logs_it(world, submit):
    submit(person="a1_student")  # 张小明 checked in; 刘小红 did not
    klass = world.classes["a_c1"]
    page = client_for(world, "teacher_a1").get(reverse("health:missing_print"),
                                               {"klass": klass.pk, "slot": "morning"})
    assert page.status_code == 200
    text = page.content.decode()
    body = text.split('id="print-sheet"')[1]
    assert "刘小红" in body and "张小明" not in body and "陈小刚" not in body
    meta = body.split('id="print-meta"')[1].split("</dl>")[0]
    assert "金水区第一中学" in meta and "晨检" in meta and "未打卡" in meta
    assert 'data-print id="print-button"' in text
    log = AccessLog.objects.get()
    assert (log.action, log.object_type, log.object_id) == ("print_list", "orgs.schoolclass",
                                                            str(klass.pk))
    assert log.fields.endswith("rows=1") and log.school_id == klass.school_id


def test_it_exports_a_whole_schools_list_a_sheet_per_class_in_grade_order(world, submit):
    add_grades(world, "a")  # 九年级1班 and 八年级1班, created in that order
    submit(person="a1_student")
    school = world.schools["a"]
    response = client_for(world, "school_a_admin", "en").get(
        reverse("health:missing_xlsx"), {"school": school.pk, "slot": "morning"})
    assert response.status_code == 200
    sheets = read_xlsx(response)
    names = list(sheets)
    classes = [n for n in names if "班" in n]
    assert classes == [world.classes["a_c1"].name, world.classes["a_c2"].name,
                       "八年级1班", "九年级1班"]
    first = sheets[classes[0]]
    top = header_row(first, "#")
    assert first[top] == ["#", "Student or staff number", "Name", "Boarder or day"]
    assert [row[2] for row in first[top + 1:]] == ["刘小红"]
    assert "School: 金水区第一中学" in first[0][0]
    staff = [n for n in names if n not in classes]
    assert staff and sheets[staff[0]][header_row(sheets[staff[0]], "#") + 1][2] == "王建国"
    log = AccessLog.objects.get()
    assert log.action == "export_list" and log.object_type == "orgs.school"


def test_it_prints_the_whole_school_with_a_section_per_class(world, submit):
    school = world.schools["a"]
    page = client_for(world, "school_a_admin").get(
        reverse("health:missing_print"), {"school": school.pk, "slot": "morning"})
    sections = page.content.decode().split('class="print-section page-per-section"')[1:]
    assert len(sections) == 3  # two classes and the office's staff
    assert "张小明" in sections[0] and "陈小刚" in sections[1] and "王建国" in sections[2]


def test_a_class_teacher_sees_only_their_class_in_the_school_list(world):
    klass = world.classes["a_c1"]
    client = client_for(world, "teacher_a2")
    assert client.get(reverse("health:missing_xlsx"), {"klass": klass.pk}).status_code == 404
    assert not AccessLog.objects.exists()
    sheets = read_xlsx(client.get(reverse("health:missing_xlsx"),
                                  {"school": klass.school_id, "slot": "morning"}))
    assert list(sheets) == [world.classes["a_c2"].name]
    assert AccessLog.objects.get().fields.endswith("rows=1")


@pytest.mark.parametrize("persona", ["zhongyuan_bureau", "guardian_a1", "school_b_admin"])
def test_it_keeps_a_class_list_from_those_outside_and_logs_nothing(world, persona):
    klass = world.classes["a_c1"]
    assert refused_unlogged(client_for(world, persona), *(
        (reverse(name), query) for name in ("health:missing_print", "health:missing_xlsx")
        for query in ({"klass": klass.pk}, {"school": klass.school_id})))
