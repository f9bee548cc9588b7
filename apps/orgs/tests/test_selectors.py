"""The org tree as each persona sees it, with person counts computed set-based."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from apps.orgs import selectors
from apps.orgs.models import School

pytestmark = pytest.mark.django_db


def nodes(found) -> list[tuple[str, str, int]]:
    return [(n.kind, n.name, n.person_count) for n in found]


@pytest.mark.parametrize(("user", "expected"), [
    ("province", [("bureau", "河南省教育厅", 5)]),
    ("luoyang_bureau", [("bureau", "洛阳市教育局", 1)]),
    ("jinshui_bureau", [("bureau", "金水区教育局", 4)]),
    ("zhongyuan_bureau", [("bureau", "中原区教育局", 0)]),
    ("school_a_admin", [("school", "金水区第一中学", 4)]),
    ("unit_lead_a", [("school", "金水区第一中学", 3)]),
    ("teacher_a2", [("school", "金水区第一中学", 1)]),
    ("hospital_a", [("school", "金水区第一中学", 0)]),
    ("guardian_a1", []),
    ("gate_a", []),
])
def test_it_shows_each_persona_its_top_nodes(w, user, expected):
    assert nodes(selectors.org_tree_roots(user=w.users[user])) == expected


def test_it_lists_a_bureaus_sub_bureaus_and_schools(w):
    province = w.users["province"]
    assert nodes(selectors.bureau_children(user=province, bureau=w.bureaus["province"])) == [
        ("bureau", "郑州市教育局", 4), ("bureau", "洛阳市教育局", 1)]
    assert nodes(selectors.bureau_children(user=province, bureau=w.bureaus["zhengzhou"])) == [
        ("bureau", "中原区教育局", 0), ("bureau", "金水区教育局", 4)]
    assert nodes(selectors.bureau_children(user=province, bureau=w.bureaus["jinshui"].pk)) == [
        ("school", "金水区第一中学", 4)]


def test_it_hides_other_bureaus_children(w):
    with pytest.raises(Http404):
        selectors.bureau_children(user=w.users["zhongyuan_bureau"], bureau=w.bureaus["jinshui"])
    with pytest.raises(Http404):
        selectors.bureau_children(user=w.users["jinshui_bureau"], bureau=w.bureaus["zhengzhou"])


def test_it_counts_with_a_fixed_number_of_queries(w):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            selectors.bureau_children(user=w.users["province"], bureau=w.bureaus["jinshui"])
            selectors.org_tree_roots(user=w.users["province"])
        return len(captured)

    before = queries()
    for n in range(5):
        School.objects.create(name=f"金水区第{n + 3}小学", code=f"41010599{n}", kind="primary",
                              boarding="day", region_id="410105", bureau=w.bureaus["jinshui"])
    w.users["province"].__dict__.pop("_shaodian_grants", None)
    assert queries() == before


def test_it_shows_units_and_classes_in_scope_with_counts(w):
    admin = w.users["school_a_admin"]
    units = selectors.school_units(user=admin, school=w.schools["a"])
    assert [(u.name, u.person_count) for u in units] == [("七年级", 3), ("教务处", 1)]
    lead = selectors.school_units(user=w.users["unit_lead_a"], school=w.schools["a"])
    assert [u.name for u in lead] == ["七年级"]
    classes = selectors.unit_classes(user=admin, unit=w.units["a_grade"])
    assert [(c.name, c.person_count) for c in classes] == [("七年级1班", 2), ("七年级2班", 1)]


def test_it_shows_a_class_teacher_only_their_class(w):
    teacher = w.users["teacher_a1"]
    classes = selectors.unit_classes(user=teacher, unit=w.units["a_grade"])
    assert [c.name for c in classes] == ["七年级1班"]
    assert [c.pk for c in selectors.school_classes(user=teacher, school=w.schools["a"])] == [
        w.classes["a_c1"].pk]
    with pytest.raises(Http404):
        selectors.class_detail(user=teacher, klass=w.classes["a_c2"])
    with pytest.raises(Http404):
        selectors.school_units(user=teacher, school=w.schools["b"])
    with pytest.raises(Http404):
        selectors.unit_classes(user=w.users["teacher_b1"], unit=w.units["a_grade"])
