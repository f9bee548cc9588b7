"""Facts loading: everything the engine needs, in a fixed number of queries per batch."""

import pytest
from django.utils import timezone

from apps.people.models import HouseholdMember, Person
from apps.status.facts import Window, load_facts, load_facts_batch, risk_areas_in_window
from apps.status.tests.conftest import SHANGHAI_PUDONG, days_ago, designate, trip
from apps.travel.models import Exposure

pytestmark = pytest.mark.django_db
# persons (with the school's region), trip legs, exposures, check-ins, the stored statuses'
# regimens, open regimen marks, test results, planned trips (apps.approvals), isolations
# (apps.isolation), staff living on campus (emergency.CampusResident), region names, risk
# areas, modes.
QUERIES = 14  # and the schools some of them left by a transfer (apps.transfers)


def _clone_students(world, n: int) -> list[Person]:
    """n more students of school A, each with a trip and an exposure."""
    model = world.persons["a1_student2"]
    made = []
    for i in range(n):
        model.pk = None
        model.number = f"X{i:05d}"
        model.doc_hash = f"hash-{i}"
        model.save()
        person = Person.objects.get(pk=model.pk)
        trip(person, SHANGHAI_PUDONG, back_days_ago=3)
        Exposure.objects.create(school_id=person.school_id, person=person, kind="case",
                                on=days_ago(2), region_id=SHANGHAI_PUDONG)
        made.append(person)
    return made


@pytest.mark.parametrize("n", [1, 40])
def test_it_loads_facts_in_a_fixed_number_of_queries(world, n, django_assert_max_num_queries):
    persons = _clone_students(world, n)
    designate(SHANGHAI_PUDONG)
    school = world.schools["a"].pk
    with django_assert_max_num_queries(QUERIES):
        facts = load_facts(school_id=school, person_ids=[p.pk for p in persons],
                           today=timezone.localdate(), now=timezone.now())
    assert len(facts) == n
    assert all(len(f.trips) == 2 and len(f.exposures) == 1 for f in facts.values())


def test_it_loads_a_day_students_facts_with_a_co_residents_trips(world):
    student = world.persons["a2_student"]
    grandpa = HouseholdMember.objects.get(person=student)
    trip(student, SHANGHAI_PUDONG, back_days_ago=4, member=grandpa)
    trip(student, "410305", back_days_ago=20)  # before the window: left out
    area = designate(SHANGHAI_PUDONG, "medium")
    f = load_facts(school_id=student.school_id, person_ids=[student.pk],
                   today=timezone.localdate(), now=timezone.now())[student.pk]
    assert (f.kind, f.residence, f.home_region, f.school_region) == (
        "student", "day", "410105", "410105")
    assert [(leg.to_region, leg.traveller) for leg in f.trips] == [
        (SHANGHAI_PUDONG, "household"), ("410105", "household")]
    assert [(a.region, a.level, a.start) for a in f.risk_areas] == [
        (SHANGHAI_PUDONG, "medium", area.start)]
    assert f.region_names[SHANGHAI_PUDONG] == "上海市浦东新区"
    assert f.region_name("410105") == "河南省郑州市金水区"
    # Test results come with a later issue; this student has no check-in.
    assert (f.tests, f.checkins, f.school_mode) == ((), (), "normal")


def test_it_leaves_out_inactive_persons_and_other_schools(world):
    a1, b1 = world.persons["a1_student"], world.persons["b1_student"]
    a1.active = False
    a1.save()
    facts = load_facts(school_id=world.schools["a"].pk, person_ids=[a1.pk, b1.pk],
                       today=timezone.localdate(), now=timezone.now())
    assert facts == {}


def test_it_loads_several_schools_in_one_batch(world, django_assert_max_num_queries):
    a1, b1 = world.persons["a1_student"], world.persons["b1_student"]
    window = Window(timezone.localdate(), timezone.now())
    areas = risk_areas_in_window(window)
    with django_assert_max_num_queries(QUERIES - 1):
        facts = load_facts_batch(persons={a1.school_id: [a1.pk], b1.school_id: [b1.pk]},
                                 window=window, risk_areas=areas)
    assert {f.school_id for f in facts.values()} == {a1.school_id, b1.school_id}
    assert facts[b1.pk].school_region == "410305"


def test_it_keeps_designations_lifted_within_the_window_and_drops_older_ones(world):
    recent = designate(SHANGHAI_PUDONG, since_days_ago=30)
    recent.end = days_ago(5)
    recent.save()
    old = designate("410305", since_days_ago=60)
    old.end = days_ago(40)
    old.save()
    designate("410102", since_days_ago=-3)  # not in force yet
    areas = risk_areas_in_window(Window(timezone.localdate(), timezone.now()))
    assert [a.region for a in areas] == [SHANGHAI_PUDONG]


def test_it_loads_the_check_ins_that_may_matter_and_skips_normal_ones(world):
    from apps.health.models import CheckIn

    student = world.persons["a1_student"]
    common = {"school_id": student.school_id, "person": student, "submitted_as": "self"}
    CheckIn.objects.create(**common, day=days_ago(1), slot="morning", temperature="38.2",
                           symptoms=["cough"], abnormal=True, client_id="c1")
    CheckIn.objects.create(**common, day=days_ago(1), slot="noon", temperature="36.5",
                           client_id="c2")
    CheckIn.objects.create(**common, day=days_ago(0), slot="morning", temperature="37.1",
                           client_id="c3")
    CheckIn.objects.create(**common, day=days_ago(20), slot="morning", temperature="39.0",
                           abnormal=True, client_id="c4")
    f = load_facts(school_id=student.school_id, person_ids=[student.pk],
                   today=timezone.localdate(), now=timezone.now())[student.pk]
    assert [(c.day, c.slot, c.temperature, c.symptoms) for c in f.checkins] == [
        (days_ago(1), "morning", 38.2, ("cough",)), (days_ago(0), "morning", 37.1, ())]


def test_it_loads_resulted_tests_through_samples_pooled_or_single(world):
    from datetime import timedelta

    from apps.testing.models import Sample, TestRound, Tube

    student = world.persons["a1_student"]
    school = student.school_id
    now = timezone.now()
    pooled = TestRound.objects.create(school_id=school, name="全员", day=days_ago(2))
    antigen = TestRound.objects.create(school_id=school, name="抗原", day=days_ago(1),
                                       kind="antigen")

    def sampled(round_, barcode, pool_size, result, hours_ago, removed=False):
        tube = Tube.objects.create(school_id=school, round=round_, barcode=barcode,
                                   pool_size=pool_size, status="resulted" if result else "closed",
                                   result=result, client_id=barcode)
        Sample.objects.create(school_id=school, round=round_, tube=tube, person=student,
                              scanned_at=now - timedelta(hours=hours_ago), client_id=barcode,
                              removed_at=now if removed else None, recheck=pool_size == 1)

    sampled(pooled, "P1", 10, "positive", 40)
    sampled(pooled, "S1", 1, "negative", 10)
    sampled(antigen, "A1", 1, "", 5)  # waiting for its result: no test yet
    sampled(antigen, "A2", 1, "invalid", 4)  # invalid: no test
    sampled(antigen, "A3", 1, "negative", 3, removed=True)  # a mis-scan undone
    sampled(antigen, "A4", 1, "negative", 400)  # before the window
    sampled(antigen, "A5", 1, "negative", 2)
    f = load_facts(school_id=school, person_ids=[student.pk], today=timezone.localdate(),
                   now=now)[student.pk]
    assert [(t.result, t.method, t.pooled, round((now - t.taken_at).total_seconds() / 3600))
            for t in f.tests] == [("positive", "pcr", True, 40), ("negative", "pcr", False, 10),
                                  ("negative", "antigen", False, 2)]


def test_it_reads_test_results_through_the_source_testing_registers(world, monkeypatch):
    """Status imports no testing module: testing registers its reader in ready(), and a
    missing one is a clear error, not facts without tests."""
    from django.core.exceptions import ImproperlyConfigured

    from apps.status import facts
    from apps.testing.facts import resulted_tests

    assert facts._tests_source is resulted_tests
    monkeypatch.setattr(facts, "_tests_source", None)
    with pytest.raises(ImproperlyConfigured, match="set_tests_source"):
        load_facts(school_id=world.schools["a"].pk, person_ids=[world.persons["a1_student"].pk],
                   today=timezone.localdate(), now=timezone.now())


def test_it_rebuilds_the_regimens_a_stored_status_asked_for(henan):
    """The regimen of a returned person, stored as its test actions, comes back as the same
    Regimen (so its verdict is judged on the window the person was given), and the marks'
    own actions are not read as a regimen again."""
    from apps.policy.engine.facts import Regimen
    from apps.status.facts import regimens_from_actions
    from apps.status.models import PersonStatus
    from apps.status.services import status_recompute_persons
    from apps.status.tests.conftest import SHANGHAI_PUDONG, trip

    student = henan.persons["a1_student"]
    trip(student, SHANGHAI_PUDONG, back_days_ago=2)
    status_recompute_persons(school_id=student.school_id, person_ids=[student.pk],
                             reason="manual")
    actions = PersonStatus.objects.get(person=student).actions
    assert regimens_from_actions(actions) == [
        Regimen("key_population", days_ago(2), 3, (0, 2, 4), 8, 24)]
    mark = {"kind": "test", "due": actions[0]["due"],
            "detail": {**actions[0]["detail"], "verdict": "incomplete"}}
    assert regimens_from_actions([mark]) == []
    f = load_facts(school_id=student.school_id, person_ids=[student.pk],
                   today=timezone.localdate(), now=timezone.now())[student.pk]
    assert f.regimens == (Regimen("key_population", days_ago(2), 3, (0, 2, 4), 8, 24),)
