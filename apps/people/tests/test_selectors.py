"""Reading people: scope, search and the shape of the queries."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from apps.access.grants import grants_for
from apps.core.crypto import keyed_hash
from apps.people.selectors import (
    person_get,
    person_get_for_code,
    person_guardians,
    person_household,
    person_list,
    search_filter,
)

pytestmark = pytest.mark.django_db


def names(qs) -> set[str]:
    return {p.name for p in qs}


def test_it_lists_only_the_scope(world):
    assert names(person_list(user=world.users["teacher_a2"])) == {"陈小刚"}
    assert names(person_list(user=world.users["guardian_a1"])) == {"张小明"}
    assert names(person_list(user=world.users["zhongyuan_bureau"])) == set()
    assert names(person_list(user=world.users["luoyang_bureau"])) == {"孙小丽"}
    assert len(person_list(user=world.users["province"])) == 5


def test_it_filters(world):
    admin = world.users["province"]
    a = world.schools["a"]
    assert names(person_list(user=admin, school_id=world.schools["b"].pk)) == {"孙小丽"}
    assert names(person_list(user=admin, kind="staff")) == {"王建国"}
    assert names(person_list(user=admin, klass_id=world.classes["a_c2"].pk)) == {"陈小刚"}
    assert names(person_list(user=admin, unit_id=world.units["a_office"].pk)) == {"王建国"}
    assert names(person_list(user=admin, school_id=a.pk, residence="boarder")) == set()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("小", {"张小明", "刘小红", "陈小刚", "孙小丽"}),
        ("张小明", {"张小明"}),
        (" 小红 ", {"刘小红"}),
        ("A2024001", {"张小明"}),
        ("A20240", {"张小明", "刘小红"}),
        ("a2024", {"张小明", "刘小红", "陈小刚"}),
        ("A２０２４１", {"陈小刚"}),  # full-width digits
        ("2024001", set()),  # no match in the middle of a number
        ("王", {"王建国"}),
        ("nobody", set()),
    ],
)
def test_it_searches_names_and_numbers(world, q, expected):
    assert names(person_list(user=world.users["province"], q=q)) == expected


def test_it_finds_an_exact_document_number_through_the_hash(world):
    person = world.persons["a2_student"]
    number = person.plain_document
    province = world.users["province"]
    for typed in (
        number,
        f" {number.lower()} ",
        number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),
    ):
        assert names(person_list(user=province, q=typed)) == {"陈小刚"}
    assert names(person_list(user=province, q=number[:-2])) == set()  # no partial matches
    assert names(person_list(user=world.users["teacher_a1"], q=number)) == set()  # out of scope


def test_it_never_searches_the_hash_with_a_wildcard(world):
    number = world.persons["a2_student"].plain_document
    with CaptureQueriesContext(connection) as queries:
        list(person_list(user=world.users["province"], q=number))
    sql = queries.captured_queries[-1]["sql"]
    assert keyed_hash(number) in sql
    assert f"%{keyed_hash(number)}" not in sql and f"{keyed_hash(number)}%" not in sql
    assert number not in sql


def test_it_sends_a_name_down_one_path_only(world):
    assert "name__contains" in str(search_filter("张小明"))
    assert "doc_hash" not in str(search_filter("张小明"))
    assert "number__startswith" not in str(search_filter("张"))
    assert "number" not in str(search_filter("11010519491231002x")).replace("doc_hash", "")
    assert "number__startswith" in str(search_filter("E12345678"))
    assert str(search_filter("")) == "(AND: )"


def test_it_lists_with_a_fixed_number_of_queries(world):
    grants_for(world.users["province"])  # computed once per request
    with CaptureQueriesContext(connection) as queries:
        rows = [
            (p.school.name, p.unit and p.unit.name, p.klass and p.klass.name)
            for p in person_list(user=world.users["province"])
        ]
    assert len(rows) == 5
    assert len(queries) == 1


def test_it_gets_one_person_or_404(world):
    person = world.persons["a1_student"]
    assert person_get(user=world.users["teacher_a1"], pk=person.pk) == person
    for username in ("teacher_a2", "zhongyuan_bureau", "school_b_admin", "gate_a", "hospital_a"):
        with pytest.raises(Http404):
            person_get(user=world.users[username], pk=person.pk)
    with pytest.raises(Http404):
        person_get(user=world.users["province"], pk=10**9)


def test_it_gets_a_person_for_their_code(world):
    child = world.persons["a1_student"]
    for username in ("student_a1", "guardian_a1", "teacher_a1", "school_a_admin"):
        assert person_get_for_code(user=world.users[username], pk=child.pk) == child
    for username in ("teacher_a2", "unit_lead_a", "jinshui_bureau", "gate_a"):
        with pytest.raises(Http404):
            person_get_for_code(user=world.users[username], pk=child.pk)


def test_it_reads_household_and_guardians_in_scope(world):
    child = world.persons["a1_student"]
    assert [m.name for m in person_household(user=world.users["guardian_a1"], person=child)] == [
        "张奶奶"
    ]
    assert list(person_household(user=world.users["teacher_a2"], person=child)) == []
    assert [g.user for g in person_guardians(user=world.users["teacher_a1"], person=child)] == [
        world.users["guardian_a1"]
    ]
    assert list(person_guardians(user=world.users["school_b_admin"], person=child)) == []
