"""The synthetic province: deterministic, consistent, with valid fictitious ID numbers."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from apps.core.crypto import decrypt_text, keyed_hash
from apps.core.errors import ValidationFailed
from apps.core.identity import mask_document, parse_resident_id
from apps.demo import services
from apps.demo.catalog import KINDS
from apps.demo.services import province_generate
from apps.orgs.models import Bureau, DormRoom, Hospital, School, SchoolClass, SchoolKind, Unit
from apps.people.models import Guardianship, HouseholdMember, Person

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def snapshot() -> dict:
    """Everything generated, by natural keys (ids, nonces and usernames' ids left out)."""
    return {
        "schools": sorted(
            School.objects.values_list(
                "code", "name", "kind", "boarding", "region_id", "hospital__name"
            )
        ),
        "persons": sorted(
            Person.objects.values_list(
                "school__code",
                "kind",
                "number",
                "name",
                "sex",
                "birth_date",
                "doc_hash",
                "phone",
                "address",
                "unit__name",
                "klass__name",
                "residence",
                "dorm_room__building",
                "dorm_room__room",
            )
        ),
        "guardians": sorted(
            Guardianship.objects.values_list(
                "person__school__code",
                "person__number",
                "user__username",
                "user__display_name",
                "relation",
            )
        ),
        "households": sorted(
            HouseholdMember.objects.values_list(
                "person__school__code", "person__number", "name", "relation", "phone", "occupation"
            )
        ),
        "teachers": sorted(
            SchoolClass.objects.values_list("school__code", "name", "teacher__username")
        ),
    }


def test_it_generates_the_same_province_for_the_same_seed(regions):
    with pytest.raises(_Rollback), transaction.atomic():
        province_generate(province_code="410000", persons=400, seed=11)
        first = snapshot()
        raise _Rollback
    assert Person.objects.count() == 0
    with pytest.raises(_Rollback), transaction.atomic():
        province_generate(province_code="410000", persons=400, seed=12)
        other_seed = snapshot()
        raise _Rollback
    province_generate(province_code="410000", persons=400, seed=11)
    assert snapshot() == first
    assert other_seed["persons"] != first["persons"]


@pytest.mark.parametrize("persons", [1, 37, 450])
def test_it_generates_exactly_the_persons_asked_for(regions, persons):
    result = province_generate(province_code="410000", persons=persons, seed=3)
    assert Person.objects.count() == persons == result.persons
    assert result.rows["persons"] == persons
    assert Guardianship.objects.count() == result.rows["guardians"]


def test_it_issues_valid_fictitious_id_numbers_matching_each_person(province):
    today = timezone.localdate()
    numbers = set()
    for person in Person.objects.select_related("school"):
        number = decrypt_text(person.doc_cipher)
        parsed = parse_resident_id(number, today=today)
        assert parsed.birth_date == person.birth_date
        assert parsed.sex == person.sex
        assert parsed.region_code == person.school.region_id == person.residence_region_id
        assert int(number[14:17]) >= 500, "sequence numbers come from the rarely issued top blocks"
        assert person.doc_hash == keyed_hash(number.lower())
        assert person.doc_masked == mask_document(number)
        numbers.add(number)
    assert len(numbers) == Person.objects.count()


def test_it_keeps_school_unit_class_and_room_consistent(province):
    for p in Person.objects.select_related("unit", "klass", "dorm_room"):
        assert p.unit.school_id == p.school_id
        if p.kind == "student":
            assert p.klass.school_id == p.school_id and p.klass.unit_id == p.unit_id
        else:
            assert p.klass_id is None
        assert (p.dorm_room_id is not None) == (p.residence == "boarder")
        if p.dorm_room_id:
            assert p.dorm_room.school_id == p.school_id
    for room in DormRoom.objects.all():
        occupants = Person.objects.filter(dorm_room=room)
        assert 0 < occupants.count() <= room.beds
        assert occupants.values("sex").distinct().count() == 1, "rooms are not mixed"


def test_it_gives_every_class_a_teacher_on_the_staff_of_its_unit(province):
    for klass in SchoolClass.objects.select_related("teacher__person"):
        teacher = klass.teacher.person
        assert (teacher.school_id, teacher.unit_id, teacher.kind) == (
            klass.school_id,
            klass.unit_id,
            "staff",
        )
        assert not klass.teacher.has_usable_password()


def test_it_gives_minors_a_guardian_and_day_students_a_household(province):
    today = timezone.localdate()
    guardians = Counter(Guardianship.objects.values_list("person_id", flat=True))
    households = Counter(HouseholdMember.objects.values_list("person_id", flat=True))
    for p in Person.objects.filter(kind="student"):
        minor = (
            today.year
            - p.birth_date.year
            - ((today.month, today.day) < (p.birth_date.month, p.birth_date.day))
        ) < 18
        assert guardians[p.pk] == (1 if minor else 0)
        assert (households[p.pk] >= 2) == (p.residence == "day")
    assert not Guardianship.objects.exclude(school_id=F("person__school_id")).exists()
    assert not HouseholdMember.objects.exclude(school_id=F("person__school_id")).exists()
    assert not any(
        g.user.has_usable_password() for g in Guardianship.objects.select_related("user")
    )


def test_it_fits_ages_to_the_kind_of_school(province):
    year = timezone.localdate().year
    for kind, spec in KINDS.items():
        births = Person.objects.filter(kind="student", school__kind=kind).values_list(
            "birth_date", flat=True
        )
        years = len(spec.grades) if kind != SchoolKind.UNIVERSITY else 4
        for born in births:
            age = year - born.year
            assert spec.entry_age - 1 <= age <= spec.entry_age + years + 3, (kind, born)


def test_it_builds_bureaus_for_the_real_regions_and_schools_of_every_kind(province):
    assert Bureau.objects.filter(level="province").get().name == "河南省教育厅"
    assert Bureau.objects.filter(level="city").count() == 17
    assert Bureau.objects.get(region_id="410105").name == "郑州市金水区教育局"
    assert Bureau.objects.get(region_id="410105").parent.region_id == "410100"
    assert set(School.objects.values_list("kind", flat=True)) == set(SchoolKind.values)
    for school in School.objects.all():
        assert len(school.code) == 10 and school.code.startswith(school.region_id)
        assert school.name.startswith(("郑州", "开封", "洛阳", "平顶山", "安阳"))
        assert (
            school.county_code == school.region_id
            and school.hospital.county_code == school.region_id
        )
        assert Unit.objects.filter(school=school, kind="department").exists()
    assert all(h.contacts.count() == 2 for h in Hospital.objects.all())


def test_it_refuses_an_unknown_province(regions):
    with pytest.raises(ValidationFailed) as exc:
        province_generate(province_code="990000", persons=10, seed=1)
    assert exc.value.errors[0].field == "province"
    assert School.objects.count() == 0


def test_it_rebuilds_the_indexes_it_defers_for_a_large_load(regions, monkeypatch):
    def indexes():
        with connection.cursor() as cursor:
            return sorted(connection.introspection.get_constraints(cursor, "people_person"))

    before = indexes()
    monkeypatch.setattr(services, "DEFER_INDEXES_FROM", 0)
    province_generate(province_code="410000", persons=300, seed=5)
    assert indexes() == before
    assert Person.objects.count() == 300
    # The rebuilt unique constraint still holds.
    person = Person.objects.first()
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 — IntegrityError
        Person.objects.create(
            **{
                f.attname: getattr(person, f.attname)
                for f in Person._meta.concrete_fields
                if f.attname != "id"
            }
        )


def test_it_does_nothing_the_second_time_with_if_empty(regions):
    call_command("generate_province", persons=120, if_empty=True, verbosity=0)
    first = snapshot()
    call_command("generate_province", persons=500, seed=99, if_empty=True, verbosity=0)
    assert snapshot() == first
    assert Person.objects.count() == 120


def test_it_uses_a_school_year_for_ages(regions):
    province_generate(province_code="410000", persons=50, seed=1, today=date(2022, 3, 16))
    births = Person.objects.filter(
        school__kind=SchoolKind.JUNIOR, kind="student", number__startswith="2021"
    ).values_list("birth_date", flat=True)
    # Seventh graders of 2021/22: born September 2008 to August 2009 (a few a year earlier).
    assert births and all(date(2007, 9, 1) <= b <= date(2009, 8, 31) for b in births)


def test_it_makes_as_many_schools_as_asked_for(regions):
    result = province_generate(province_code="410000", persons=600, seed=7, schools=40)
    assert result.schools == 40 == School.objects.count()
    assert Person.objects.count() == 600
    assert Person.objects.values("school_id").distinct().count() == 40  # none left empty
