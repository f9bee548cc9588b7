"""Org services: input checked field by field, scope checked through the scope layer."""

import pytest
from django.http import Http404

from apps.core.errors import ValidationFailed
from apps.orgs import services
from apps.orgs.models import Bureau, DormRoom, Hospital, HospitalContact, School, SchoolClass, Unit

pytestmark = pytest.mark.django_db


def reasons(call, **kwargs) -> dict[str, str]:
    """The field -> reason of the ValidationFailed the call raises (one reason per field)."""
    with pytest.raises(ValidationFailed) as caught:
        call(**kwargs)
    fields = [e.field for e in caught.value.errors]
    assert len(fields) == len(set(fields)), caught.value.errors
    return {e.field: e.reason for e in caught.value.errors}


def school_kwargs(w, **overrides):
    values = dict(actor=w.users["jinshui_bureau"], name="金水区第二中学", code="4101050002",
                  kind="junior", boarding="day", region_code="410105", bureau=w.bureaus["jinshui"])
    return {**values, **overrides}


# Bureaus


def test_it_creates_a_city_bureau_under_the_province(w):
    bureau = services.bureau_create(actor=w.users["province"], name="开封市教育局", level="city",
                                    region_code="410200", parent=w.bureaus["province"])
    assert (bureau.city_code, bureau.province_code, bureau.parent_id) == (
        "410200", "410000", w.bureaus["province"].pk)


@pytest.mark.parametrize(("level", "region_code", "parent", "expected"), [
    ("city", "410203", "province", {"region_code": "level_mismatch"}),
    ("county", "410100", "zhengzhou", {"region_code": "level_mismatch"}),
    ("province", "410100", "province",
     {"level": "level_not_below_parent", "region_code": "level_mismatch"}),
    ("county", "410311", "zhengzhou", {"region_code": "outside_parent"}),
    ("county", "410105", "zhengzhou", {"region_code": "duplicate"}),
    ("county", "999999", "zhengzhou", {"region_code": "unknown_region"}),
    ("city", "410400", "zhengzhou",
     {"level": "level_not_below_parent", "region_code": "outside_parent"}),
    ("district", "410106", "zhengzhou", {"level": "invalid_choice"}),
])
def test_it_refuses_bad_bureaus_naming_the_field(w, level, region_code, parent, expected):
    before = Bureau.objects.count()
    assert reasons(services.bureau_create, actor=w.users["province"], name="某教育局", level=level,
                   region_code=region_code, parent=w.bureaus[parent]) == expected
    assert Bureau.objects.count() == before


def test_it_hides_bureaus_out_of_scope(w):
    with pytest.raises(Http404):
        services.bureau_create(actor=w.users["zhongyuan_bureau"], name="x", level="county",
                               region_code="410306", parent=w.bureaus["luoyang"])
    with pytest.raises(Http404):  # only a superuser sets up a province department
        services.bureau_create(actor=w.users["province"], name="山东省教育厅", level="province",
                               region_code="370000")


def test_it_lets_a_superuser_create_the_province_department(w):
    from apps.access.models import User

    root = User.objects.create_superuser("root", password="x-long-password")
    bureau = services.bureau_create(actor=root, name="山东省教育厅", level="province",
                                    region_code="370000")
    assert bureau.province_code == "370000" and bureau.parent is None


# Schools


def test_it_creates_a_school_with_its_hospital(w):
    school = services.school_create(**school_kwargs(w, hospital=w.hospital.pk, address=" 路1号 "))
    assert (school.county_code, school.hospital, school.address) == ("410105", w.hospital, "路1号")


@pytest.mark.parametrize(("changes", "expected"), [
    ({"region_code": "410102"}, {"region_code": "outside_bureau"}),
    ({"region_code": "999999"}, {"region_code": "unknown_region"}),
    ({"region_code": ""}, {"region_code": "unknown_region"}),
    ({"code": "4101050001"}, {"code": "duplicate"}),
    ({"name": "金水区第一中学"}, {"name": "duplicate"}),
    ({"name": "  ", "kind": "college", "boarding": "sometimes"},
     {"name": "required", "kind": "invalid_choice", "boarding": "invalid_choice"}),
])
def test_it_refuses_bad_schools_and_saves_nothing(w, changes, expected):
    before = School.objects.count()
    assert reasons(services.school_create, **school_kwargs(w, **changes)) == expected
    assert School.objects.count() == before


def test_it_refuses_a_hospital_the_actor_cannot_see(w):
    kwargs = school_kwargs(w, actor=w.users["luoyang_bureau"], bureau=w.bureaus["jianxi"],
                           region_code="410305", hospital=w.hospital)
    assert reasons(services.school_create, **kwargs) == {"hospital": "unknown_hospital"}


def test_it_hides_another_countys_bureau_when_creating_a_school(w):
    with pytest.raises(Http404):
        services.school_create(**school_kwargs(w, actor=w.users["zhongyuan_bureau"]))
    with pytest.raises(Http404):  # a school admin has no bureau to create schools under
        services.school_create(**school_kwargs(w, actor=w.users["school_a_admin"]))


def test_it_updates_a_school_in_the_bureaus_register(w):
    school = services.school_update(actor=w.users["jinshui_bureau"], school=w.schools["a"],
                                    name="金水区第一初级中学", address="花园路8号", boarding="day")
    school.refresh_from_db()
    assert (school.name, school.address, school.boarding, school.code) == (
        "金水区第一初级中学", "花园路8号", "day", "4101050001")
    with pytest.raises(Http404):  # the register is the bureau's: a school keeps its structure
        services.school_update(actor=w.users["school_a_admin"], school=school, name="x")


def test_it_refuses_bad_school_updates(w):
    admin, school = w.users["jinshui_bureau"], w.schools["a"]
    assert reasons(services.school_update, actor=admin, school=school, region_code="410305",
                   code="4103050001") == {"region_code": "outside_bureau", "code": "duplicate"}
    school.refresh_from_db()
    assert (school.region_id, school.code) == ("410105", "4101050001")
    with pytest.raises(Http404):
        services.school_update(actor=w.users["school_b_admin"], school=school, name="x")
    with pytest.raises(Http404):  # moving a school needs the target bureau in scope
        services.school_update(actor=admin, school=school, bureau=w.bureaus["zhongyuan"])


def test_it_moves_a_school_between_bureaus_of_the_city(w):
    school = services.school_update(actor=w.users["province"], school=w.schools["a"],
                                    bureau=w.bureaus["zhongyuan"], region_code="410102")
    assert (school.bureau, school.county_code) == (w.bureaus["zhongyuan"], "410102")


def test_it_pairs_a_school_with_a_hospital(w):
    bureau = w.users["jinshui_bureau"]
    other = services.hospital_create(actor=bureau, name="金水区中医院", region_code="410105",
                                     phone="0371-12345678")
    pair = services.school_set_hospital
    assert pair(actor=bureau, school=w.schools["a"], hospital=other).hospital == other
    assert pair(actor=bureau, school=w.schools["a"], hospital=None).hospital is None
    # A school admin cannot pick hospitals: pairing is the bureau's decision.
    with pytest.raises(Http404):
        services.school_set_hospital(actor=w.users["school_a_admin"], school=w.schools["a"],
                                     hospital=other)
    assert reasons(services.school_set_hospital, actor=w.users["luoyang_bureau"],
                   school=w.schools["b"], hospital=other) == {"hospital": "unknown_hospital"}


# Units, classes, dorm rooms


def test_it_creates_units_and_classes_in_one_school(w):
    admin, school = w.users["school_a_admin"], w.schools["a"]
    unit = services.unit_create(actor=admin, school=school, name="八年级", kind="grade")
    klass = services.class_create(actor=admin, school=school, unit=unit, name="八年级1班",
                                  teacher=w.users["teacher_a2"])
    assert (klass.school, klass.unit, klass.teacher) == (school, unit, w.users["teacher_a2"])


def test_it_refuses_bad_units_and_classes(w):
    admin, school = w.users["school_a_admin"], w.schools["a"]
    assert reasons(services.unit_create, actor=admin, school=school, name="七年级",
                   kind="grade") == {"name": "duplicate"}
    assert reasons(services.unit_create, actor=admin, school=school, name="",
                   kind="year") == {"name": "required", "kind": "invalid_choice"}
    before = SchoolClass.objects.count()
    assert reasons(services.class_create, actor=admin, school=school, unit=w.units["b_grade"],
                   name="七年级1班") == {"unit": "wrong_school", "name": "duplicate"}
    assert SchoolClass.objects.count() == before and Unit.objects.count() == 4


def test_it_lets_only_change_holders_create_classes(w):
    for user in ("teacher_a1", "unit_lead_a", "school_b_admin", "hospital_a"):
        with pytest.raises(Http404):
            services.class_create(actor=w.users[user], school=w.schools["a"],
                                  unit=w.units["a_grade"], name="七年级9班")


def test_it_sets_and_clears_a_class_teacher(w):
    from apps.access.models import User

    klass = w.classes["a_c2"]
    services.class_set_teacher(actor=w.users["school_a_admin"], klass=klass,
                               teacher=w.users["teacher_b1"])
    teacher = User.objects.get(pk=w.users["teacher_b1"].pk)  # fresh: grants are cached per object
    assert SchoolClass.objects.restrict(teacher, "orgs.view").filter(pk=klass.pk).exists()
    services.class_set_teacher(actor=w.users["school_a_admin"], klass=klass, teacher=None)
    klass.refresh_from_db()
    assert klass.teacher is None
    teacher.is_active = False
    teacher.save()
    assert reasons(services.class_set_teacher, actor=w.users["school_a_admin"], klass=klass,
                   teacher=teacher) == {"teacher": "unknown_user"}
    with pytest.raises(Http404):
        services.class_set_teacher(actor=w.users["teacher_a1"], klass=w.classes["a_c1"],
                                   teacher=None)


def test_it_creates_dorm_rooms_once(w):
    admin, school = w.users["school_a_admin"], w.schools["a"]
    room = services.dorm_room_create(actor=admin, school=school, building="1号楼", room="101",
                                     beds=4)
    assert room.beds == 4
    assert reasons(services.dorm_room_create, actor=admin, school=school, building="1号楼",
                   room="101") == {"room": "duplicate"}
    assert reasons(services.dorm_room_create, actor=admin, school=school, building="1号楼",
                   room="102", beds=0) == {"beds": "out_of_range"}
    assert DormRoom.objects.count() == 1


# Hospitals


def test_it_creates_hospitals_only_inside_the_bureaus_region(w):
    bureau = w.users["jinshui_bureau"]
    assert reasons(services.hospital_create, actor=bureau, name="中原区人民医院",
                   region_code="410102") == {"region_code": "out_of_scope", "phone": "required"}
    assert reasons(services.hospital_create, actor=bureau, name="金水区人民医院",
                   region_code="410105", phone="12345") == {
        "name": "duplicate", "phone": "bad_phone"}
    assert reasons(services.hospital_create, actor=w.users["school_a_admin"], name="某医院",
                   region_code="410105", phone="0371-12345678") == {"region_code": "out_of_scope"}
    city = services.hospital_create(actor=w.users["province"], name="郑州市第六人民医院",
                                    region_code="410100", phone="+86 138 0013 8000")
    assert (city.city_code, city.phone) == ("410100", "13800138000")
    assert Hospital.objects.count() == 2


def test_it_adds_hospital_contacts_for_bureaus_only(w):
    contact = services.hospital_contact_add(actor=w.users["jinshui_bureau"], hospital=w.hospital,
                                            name="李医生", role="感染科主任", phone="13912345678")
    assert contact.hospital == w.hospital
    assert reasons(services.hospital_contact_add, actor=w.users["jinshui_bureau"],
                   hospital=w.hospital, name="王护士", role="联络员",
                   phone="") == {"phone": "required"}
    for user in ("school_a_admin", "hospital_a", "luoyang_bureau"):
        with pytest.raises(Http404):
            services.hospital_contact_add(actor=w.users[user], hospital=w.hospital, name="x",
                                          role="y", phone="13912345678")
    assert HospitalContact.objects.count() == 1
