"""A round's coverage printed and exported: planned, sampled and not sampled per class and per
planned day, and who was not sampled yet; scoped as the coverage page (a class teacher: their
class), each print and workbook one access-log row naming the round."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.access.models import AccessLog
from apps.testing.models import RoundMember
from apps.testing.tests.helpers_results import a_round, closed_tube
from shaodian.testing.outputs import client_for, header_row, read_xlsx, refused_unlogged

pytestmark = pytest.mark.django_db


@pytest.fixture
def sampled(world):
    """School A's round: four planned today, class 1's two students and the staff member
    sampled, class 2's student (陈小刚) not."""
    r = a_round(world.schools["a"])
    p = world.persons
    RoundMember.objects.bulk_create([
        RoundMember(school=r.school, round=r, person=p[key], planned_day=timezone.localdate())
        for key in ("a1_student", "a1_student2", "a2_student", "a_staff")])
    closed_tube(r, "P1", [p["a1_student"], p["a1_student2"], p["a_staff"]])
    return r


def test_it_exports_a_rounds_coverage_with_who_was_not_sampled(world, sampled):
    response = client_for(world, "school_a_admin", "en").get(
        reverse("testing:coverage_xlsx"), {"round": sampled.pk})
    assert response.status_code == 200
    sheets = read_xlsx(response)
    assert list(sheets) == ["By class", "By planned day", "Not sampled"]
    classes = sheets["By class"]
    top = header_row(classes, "Class")
    assert classes[top] == ["Class", "Planned", "Sampled", "Not sampled", "%"]
    by_class = {row[0]: row[1:4] for row in classes[top + 1:]}
    c1, c2 = world.classes["a_c1"].name, world.classes["a_c2"].name
    assert by_class[c1] == [2, 2, 0] and by_class[c2] == [1, 0, 1] and len(by_class) == 3
    assert "School: 金水区第一中学" in classes[0][0]
    days = sheets["By planned day"]
    assert days[header_row(days, "Day") + 1][:4] == [timezone.localdate().isoformat(), 4, 3, 1]
    missing = sheets["Not sampled"]
    top = header_row(missing, "#")
    assert missing[top] == ["#", "Class", "Student or staff number", "Name", "Planned day"]
    assert [row[1:4:2] for row in missing[top + 1:]] == [[c2, "陈小刚"]]
    log = AccessLog.objects.get()
    assert (log.action, log.object_type, log.object_id) == (
        "export_list", "testing.testround", str(sampled.pk))
    assert log.school_id == sampled.school_id and log.fields.endswith("rows=1")


def test_it_prints_the_coverage_in_chinese_with_a_button_on_the_page(world, sampled):
    client = client_for(world, "school_a_admin")
    page = client.get(reverse("testing:results_coverage"), {"round": sampled.pk})
    assert 'id="coverage-print"' in page.content.decode()
    printed = client.get(reverse("testing:coverage_print"), {"round": sampled.pk})
    assert printed.status_code == 200
    text = printed.content.decode()
    meta = text.split('id="print-meta"')[1].split("</dl>")[0]
    assert "金水区第一中学" in meta and sampled.name in meta and "未采样" in meta
    assert "按班级" in text.split('id="print-classes"')[1]
    missing = text.split('id="print-missing"')[1]
    assert "陈小刚" in missing and "张小明" not in missing
    assert 'data-print id="print-button"' in text
    assert reverse("testing:coverage_xlsx") + f"?round={sampled.pk}" in text
    assert AccessLog.objects.get().action == "print_list"


def test_a_class_teacher_prints_only_their_class(world, sampled):
    sheets = read_xlsx(client_for(world, "teacher_a1").get(
        reverse("testing:coverage_xlsx"), {"round": sampled.pk}))
    classes = sheets["按班级"]
    names = [row[0] for row in classes[header_row(classes, "班级") + 1:]]
    assert names == [world.classes["a_c1"].name]
    assert sheets["未采样"][-1][0] == "#"  # everyone of class 1 was sampled
    assert AccessLog.objects.get().fields.endswith("rows=0")


@pytest.mark.parametrize("persona", ["school_b_admin", "guardian_a1", "zhongyuan_bureau"])
def test_it_keeps_a_rounds_coverage_from_those_outside(world, sampled, persona):
    assert refused_unlogged(client_for(world, persona), *(
        (reverse(name), query)
        for name in ("testing:coverage_print", "testing:coverage_xlsx")
        for query in ({"round": sampled.pk}, {"round": "x"}, {"school": sampled.school_id},
                      {"school": ""})))


def test_it_prints_and_exports_a_schools_rounds_with_their_coverage(world, sampled):
    a_round(world.schools["a"], days_ago=3, name="上周核酸")
    school = world.schools["a"]
    client = client_for(world, "jinshui_bureau", "en")
    sheets = read_xlsx(client.get(reverse("testing:coverage_xlsx"), {"school": school.pk}))
    rows = sheets["By round"]
    top = header_row(rows, "Round")
    assert rows[top] == ["Round", "First day", "Days", "Planned", "Sampled", "Not sampled", "%"]
    assert [row[0] for row in rows[top + 1:]] == [sampled.name, "上周核酸"]
    assert rows[top + 1][3:6] == [4, 3, 1] and rows[top + 2][3:6] == [0, 0, 0]
    printed = client_for(world, "school_a_admin").get(reverse("testing:coverage_print"),
                                                      {"school": school.pk})
    assert "上周核酸" in printed.content.decode().split('id="print-rounds"')[1]
    logs = AccessLog.objects.order_by("at")
    assert [(g.action, g.object_type, g.fields) for g in logs] == [
        ("export_list", "orgs.school", "coverage; rows=2"),
        ("print_list", "orgs.school", "coverage; rows=2")]
    outside = client_for(world, "school_b_admin")
    assert outside.get(reverse("testing:coverage_xlsx"), {"school": school.pk}).status_code == 404
    assert AccessLog.objects.count() == 2
