"""Each school's headcount (active students and staff) is counted into SchoolHeadcount by
one set-based statement after every write that adds, moves or ends people, and by a
periodic sweep; a bureau's or the province's dashboard sums those rows and never counts
people."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.people.headcounts import headcounts_refresh, headcounts_refresh_on_commit
from apps.people.models import Person, SchoolHeadcount
from apps.people.tasks import recount_headcounts
from apps.rosters.services import roster_apply
from apps.schoolyear.services import school_year_rollover
from apps.transfers.services import transfer_accept, transfer_request
from apps.web.selectors import region_dashboard
from shaodian.testing.world import make_id_number

pytestmark = pytest.mark.django_db


def counts(world) -> dict[str, tuple[int, int]]:
    rows = SchoolHeadcount.objects.values_list("school_id", "students", "staff")
    names = {s.pk: key for key, s in world.schools.items()}
    return {names[pk]: (students, staff) for pk, students, staff in rows}


def truth(world) -> dict[str, tuple[int, int]]:
    people = Person.objects.filter(active=True)
    return {key: (people.filter(school=s, kind="student").count(),
                  people.filter(school=s, kind="staff").count())
            for key, s in world.schools.items()}


def test_it_counts_the_active_students_and_staff_of_every_school(world):
    SchoolHeadcount.objects.all().delete()
    Person.objects.filter(pk=world.persons["a2_student"].pk).update(active=False)
    assert recount_headcounts.call() == 2
    assert counts(world) == truth(world)
    assert counts(world)["a"][0] == truth(world)["a"][0] >= 1


def test_it_counts_a_school_with_nobody_as_zero(world):
    from apps.orgs.models import School

    empty = School.objects.create(name="空学校", code="4101059999", kind="primary",
                                  boarding="day", region_id="410105",
                                  bureau=world.bureaus["jinshui"])
    headcounts_refresh(school_ids=[empty.pk])
    assert SchoolHeadcount.objects.filter(school=empty).values_list(
        "students", "staff").get() == (0, 0)


def test_it_recounts_only_the_schools_named(world):
    Person.objects.filter(school=world.schools["b"]).update(active=False)
    Person.objects.filter(school=world.schools["a"]).update(active=False)
    headcounts_refresh(school_ids=[world.schools["a"].pk])
    assert counts(world)["a"] == (0, 0) and counts(world)["b"] != (0, 0)


def test_many_saves_in_one_transaction_make_one_recount(world, django_capture_on_commit_callbacks):
    school = world.schools["a"]
    people = list(Person.objects.filter(school=school, kind="student"))
    with django_capture_on_commit_callbacks() as callbacks:
        for person in people:
            person.active = False
            person.save()
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    recounts = [q for q in queries.captured_queries
                if "INSERT INTO people_schoolheadcount" in q["sql"]]
    assert len(callbacks) == len(people) >= 2 and len(recounts) == 1
    assert counts(world)["a"] == (0, truth(world)["a"][1])


def test_schools_left_pending_by_a_rolled_back_transaction_are_counted_at_the_next_commit(
        world, django_capture_on_commit_callbacks):
    Person.objects.filter(school__in=world.schools.values()).update(active=False)
    with django_capture_on_commit_callbacks() as dropped:  # rolled back: never run
        headcounts_refresh_on_commit([world.schools["b"].pk])
    assert dropped
    with django_capture_on_commit_callbacks(execute=True):
        headcounts_refresh_on_commit([world.schools["a"].pk])
    assert counts(world) == {"a": (0, 0), "b": (0, 0)}
    assert not connection.__dict__.get("_headcount_schools")


def test_a_roster_import_recounts_its_school(world, django_capture_on_commit_callbacks):
    from apps.rosters.tests.test_services import _check, _student

    before = counts(world)["a"]
    plan = _check(world, [_student(f"A2026{n:03d}", f"新生{n}", 60 + n) for n in range(1, 6)])
    with django_capture_on_commit_callbacks(execute=True):
        roster_apply(actor=world.users["school_a_admin"], plan=plan)
    assert counts(world)["a"] == (before[0] + 5, before[1]) == truth(world)["a"]


def test_a_transfer_recounts_both_schools(world, django_capture_on_commit_callbacks):
    transfer = transfer_request(actor=world.users["school_a_admin"],
                                person_id=world.persons["a1_student"].pk,
                                to_school_id=world.schools["b"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        transfer_accept(actor=world.users["school_b_admin"], transfer_id=transfer.pk,
                        to_class_id=world.classes["b_c1"].pk)
    assert counts(world) == truth(world)


def test_the_rollover_recounts_the_schools_whose_last_grade_graduated(
        world, django_capture_on_commit_callbacks):
    admin = world.users["school_a_admin"]
    for year in (2027, 2028):
        school_year_rollover(actor=admin, to_year=year)
    with django_capture_on_commit_callbacks(execute=True):
        school_year_rollover(actor=admin, to_year=2029)
    assert counts(world)["a"][0] == 0 == truth(world)["a"][0]


def test_the_regions_roll_up_from_their_schools(world):
    from apps.people.models import RegionHeadcount

    rows = {(r.level, r.code): r for r in RegionHeadcount.objects.all()}
    a, b = truth(world)["a"], truth(world)["b"]
    assert (rows["county", "410105"].students, rows["county", "410105"].staff) == a
    assert (rows["city", "410100"].students, rows["city", "410300"].students) == (a[0], b[0])
    province = rows["province", "410000"]
    assert (province.schools, province.classes, province.students, province.staff) == (
        2, 4, a[0] + b[0], a[1] + b[1])


def test_the_dashboard_sums_the_region_rows_and_counts_no_people(world):
    region_dashboard(user=world.users["province"])  # the user's grants read and cached
    with CaptureQueriesContext(connection) as queries:
        dashboard = region_dashboard(user=world.users["province"])
    a, b = truth(world)["a"], truth(world)["b"]
    assert (dashboard.schools, dashboard.classes) == (2, 4)
    assert (dashboard.students, dashboard.staff) == (a[0] + b[0], a[1] + b[1])
    assert dict(dashboard.by_area) == {"郑州市": sum(a), "洛阳市": sum(b)}
    assert not [q for q in queries.captured_queries
                if "people_person" in q["sql"] or "people_schoolheadcount" in q["sql"]]
    county = region_dashboard(user=world.users["luoyang_bureau"])
    assert (county.students, county.staff) == b
    assert region_dashboard(user=world.users["zhongyuan_bureau"]).students == 0


def test_a_figure_changed_in_the_rows_is_what_the_dashboard_shows(world):
    from apps.people.models import RegionHeadcount

    RegionHeadcount.objects.filter(level="province").update(students=1_000_000)
    kinds = RegionHeadcount.objects.filter(level="province").count()
    assert region_dashboard(user=world.users["province"]).students == 1_000_000 * kinds


def test_a_person_added_through_the_service_shows_on_the_dashboard_after_the_commit(
        world, django_capture_on_commit_callbacks):
    from datetime import date

    from apps.people.services import person_create

    before = region_dashboard(user=world.users["province"]).students
    with django_capture_on_commit_callbacks(execute=True):
        born = date(2012, 1, 2)
        person_create(actor=world.users["school_a_admin"], school=world.schools["a"],
                      kind="student", name="王新", number="A2026999", sex="M",
                      birth_date=born, doc_type="resident_id",
                      doc_number=make_id_number("410105", born, 77),
                      klass=world.classes["a_c1"])
    assert region_dashboard(user=world.users["province"]).students == before + 1


def test_the_sweep_drops_the_rows_of_a_region_left_without_schools(world):
    from apps.people.models import RegionHeadcount

    RegionHeadcount.objects.create(level="county", code="410102", province_code="410000",
                                   city_code="410100", county_code="410102",
                                   school_kind="junior", schools=3, students=900,
                                   counted_at=world.schools["a"].history.first().history_date)
    recount_headcounts.call()
    assert not RegionHeadcount.objects.filter(code="410102").exists()
    assert RegionHeadcount.objects.filter(level="county", code="410105").exists()
