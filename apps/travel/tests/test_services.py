"""Declaring trips and exposures, with the personas of the test province."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.travel import selectors, services
from apps.travel.models import Exposure, TripLeg
from apps.travel.signals import declarations_changed

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
D = [TODAY - timedelta(days=n) for n in range(20)]  # D[0] today, D[n] n days ago


def leg(frm="410105", to="310115", depart=None, arrive=None, **extra):
    return {"from_region": frm, "to_region": to, "depart": depart or D[10],
            "arrive": arrive or D[10], "transport": "train", "number": "g 1234", **extra}


def declare(world, user="teacher_a1", person="a1_student", legs=None, **kwargs):
    return services.trip_declare(actor=world.users[user], person=world.persons[person],
                                 legs=[leg()] if legs is None else legs, **kwargs)


def errors_of(exc_info) -> set[tuple[str, str]]:
    return {(e.field, e.reason) for e in exc_info.value.errors}


@pytest.fixture
def received():
    calls = []

    def receiver(sender, school_id, person_ids, **kwargs):
        calls.append((school_id, person_ids))

    declarations_changed.connect(receiver)
    yield calls
    declarations_changed.disconnect(receiver)


def test_it_declares_a_two_leg_trip_at_once(world):
    legs = declare(world, legs=[leg(depart=D[10], arrive=D[10]),
                                leg(frm="上海市浦东新区", to="河南郑州金水", depart=D[5],
                                    arrive=D[4])])
    assert [(x.from_region_id, x.to_region_id, x.leg_no) for x in legs] == [
        ("410105", "310115", 0), ("310115", "410105", 1)]
    assert legs[0].number == "G1234" and legs[0].declared_by == world.users["teacher_a1"]
    assert legs[0].school_id == world.schools["a"].pk


def test_it_sends_declarations_changed_on_commit_only(world, received,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        declare(world)
    assert received == []
    for callback in callbacks:
        callback()
    assert received == [(world.schools["a"].pk, [world.persons["a1_student"].pk])]


@pytest.mark.parametrize(
    ("legs", "expected"),
    [
        ([leg(depart=D[3], arrive=D[4])], {("legs.0.arrive", "before_departure")}),
        ([leg(depart=D[1], arrive=TODAY + timedelta(days=1))], {("legs.0.arrive", "in_future")}),
        ([leg(depart=TODAY + timedelta(days=2), arrive=TODAY + timedelta(days=3))],
         {("legs.0.depart", "in_future"), ("legs.0.arrive", "in_future")}),
        ([leg(to="999999")], {("legs.0.to_region", "unknown_region")}),
        ([leg(frm="火星市")], {("legs.0.from_region", "unknown_region")}),
        ([leg(transport="rocket")], {("legs.0.transport", "bad_choice")}),
        ([leg(depart=D[10], arrive=D[8]), leg(depart=D[9], arrive=D[9])],
         {("legs.1.depart", "overlaps")}),
        ([leg(), leg()], {("legs.1.depart", "overlaps")}),
        ([], {("legs", "required")}),
    ],
)
def test_it_names_each_bad_field_and_saves_nothing(world, received, legs, expected,
                                                   django_capture_on_commit_callbacks):
    good = leg(depart=D[2], arrive=D[2], frm="310115", to="410105")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationFailed) as e:
        declare(world, legs=[*legs, good] if legs else [])
    assert errors_of(e) == expected
    assert not TripLeg.objects.exists() and received == []


def test_it_refuses_a_leg_overlapping_one_declared_before(world):
    declare(world, legs=[leg(depart=D[10], arrive=D[8])])
    with pytest.raises(ValidationFailed) as e:
        declare(world, user="guardian_a1", legs=[leg(depart=D[9], arrive=D[9])])
    assert errors_of(e) == {("legs.0.depart", "overlaps")}
    # a connection on the day of arrival is not an overlap, nor is a co-resident's trip
    assert declare(world, legs=[leg(frm="310115", to="410102", depart=D[8], arrive=D[8])])
    member = world.persons["a1_student"].household.get()
    assert declare(world, legs=[leg(depart=D[9], arrive=D[9])], household_member=member)


def test_it_takes_a_co_resident_only_of_a_day_student_of_that_person(world):
    other = world.persons["a2_student"].household.get()
    with pytest.raises(ValidationFailed) as e:
        declare(world, household_member=other)
    assert errors_of(e) == {("household_member", "not_household")}
    student = world.persons["a1_student"]
    student.residence = "boarder"
    student.save()
    with pytest.raises(ValidationFailed) as e:
        declare(world, household_member=student.household.get())
    assert errors_of(e) == {("household_member", "not_day_student")}


def test_it_is_idempotent_by_client_id(world, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = declare(world, legs=[leg(), leg(frm="310115", to="410105", depart=D[5],
                                                 arrive=D[5])], client_id="c-1")
        again = declare(world, legs=[leg(), leg(frm="310115", to="410105", depart=D[5],
                                                 arrive=D[5])], client_id="c-1")
    assert [x.pk for x in again] == [x.pk for x in first]
    assert TripLeg.objects.count() == 2 and len(received) == 1
    with pytest.raises(ValidationFailed) as e:
        declare(world, person="a1_student2", client_id="c-1")
    assert errors_of(e) == {("client_id", "used")}


@pytest.mark.parametrize(
    ("user", "person", "allowed"),
    [
        ("teacher_a1", "a1_student", True),
        ("teacher_a1", "a2_student", False),  # another class
        ("teacher_a2", "a1_student", False),
        ("guardian_a1", "a1_student", True),
        ("guardian_a1", "a1_student2", False),  # not their child
        ("student_a1", "a1_student", True),
        ("student_a1", "a1_student2", False),
        ("school_a_admin", "a2_student", True),
        ("school_b_admin", "a1_student", False),
        ("jinshui_bureau", "a1_student", False),  # a bureau sees, it does not declare
        ("gate_a", "a1_student", False),
    ],
)
def test_it_lets_only_those_responsible_declare(world, user, person, allowed):
    if allowed:
        assert declare(world, user=user, person=person)
    else:
        with pytest.raises(Http404):
            declare(world, user=user, person=person)
        with pytest.raises(Http404):
            services.exposure_declare(actor=world.users[user], person=world.persons[person],
                                      kind="case", on=D[1])
        assert not TripLeg.objects.exists() and not Exposure.objects.exists()


def test_it_withdraws_a_wrong_leg_and_records_it(world, received,
                                                 django_capture_on_commit_callbacks):
    wrong = declare(world)[0]
    with pytest.raises(Http404):
        services.trip_leg_withdraw(actor=world.users["teacher_a2"], leg=wrong, reason="错误")
    with pytest.raises(ValidationFailed):
        services.trip_leg_withdraw(actor=world.users["guardian_a1"], leg=wrong, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.trip_leg_withdraw(actor=world.users["guardian_a1"], leg=wrong, reason="日期填错")
    assert not TripLeg.objects.exists()
    gone = TripLeg.history.filter(id=wrong.pk, history_type="-").get()
    assert gone.history_user == world.users["guardian_a1"]
    assert gone.history_change_reason == "withdrawn: 日期填错"
    assert len(received) == 1
    assert declare(world)  # the same trip can be declared again, correctly


def test_it_declares_an_exposure_and_checks_it(world, received,
                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        exposure = services.exposure_declare(
            actor=world.users["student_a1"], person=world.persons["a1_student"],
            kind="risk_area_person", on=D[2], region_code="上海浦东新区", detail="同乘G1234",
            client_id="e-1")
        again = services.exposure_declare(
            actor=world.users["student_a1"], person=world.persons["a1_student"],
            kind="risk_area_person", on=D[2], client_id="e-1")
    assert again.pk == exposure.pk and exposure.region_id == "310115"
    assert len(received) == 1
    with pytest.raises(ValidationFailed) as e:
        services.exposure_declare(actor=world.users["student_a1"],
                                  person=world.persons["a1_student"], kind="rumour",
                                  on=TODAY + timedelta(days=1), region_code="999999")
    assert errors_of(e) == {("kind", "unknown_kind"), ("on", "in_future"),
                            ("region", "unknown_region")}
    assert Exposure.objects.count() == 1


def test_it_shows_declarations_to_those_who_see_the_person(world):
    declare(world)
    services.exposure_declare(actor=world.users["teacher_a1"], person=world.persons["a1_student"],
                              kind="case", on=D[1])
    person = world.persons["a1_student"]
    for user, count in (("teacher_a1", 1), ("jinshui_bureau", 1), ("guardian_a1", 1),
                        ("teacher_a2", 0), ("zhongyuan_bureau", 0), ("gate_a", 0)):
        assert selectors.person_trips(user=world.users[user], person=person).count() == count
        assert selectors.person_exposures(user=world.users[user], person=person).count() == count


def test_it_finds_who_was_in_a_region_during_a_window(world):
    a1, a2, b1 = (world.persons[k] for k in ("a1_student", "a2_student", "b1_student"))
    # a1: to Shanghai D[15], back D[12]; a2: to Shanghai D[15], not back (still there)
    declare(world, user="school_a_admin", legs=[leg(depart=D[15], arrive=D[15]),
                                                leg(frm="310115", to="410105", depart=D[12],
                                                    arrive=D[12])])
    declare(world, user="school_a_admin", person="a2_student",
            legs=[leg(depart=D[15], arrive=D[15])])
    declare(world, user="school_b_admin", person="b1_student",
            legs=[leg(to="410102", depart=D[15], arrive=D[15])])

    def travellers(code, start, end):
        rows = selectors.persons_through_region(region_code=code, start=start, end=end)
        return {r["person_id"] for r in rows}

    assert travellers("310115", D[14], D[13]) == {a1.pk, a2.pk}  # there the whole window
    assert travellers("310000", D[11], D[0]) == {a2.pk}  # a1 had left on D[12]
    assert travellers("310115", D[12], D[12]) == {a1.pk, a2.pk}  # a1 left that day
    assert travellers("410100", D[15], D[15]) == {a1.pk, a2.pk, b1.pk}  # Zhengzhou: left / went
    assert travellers("310115", D[19], D[16]) == set()
