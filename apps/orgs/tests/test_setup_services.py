"""Setting up the tree, each level its own: the province its bureaus, a bureau its schools
(close, reopen, pair) and hospitals, a school its units, classes and rooms. Every change is in
the record's history with who and why; bad input is refused field by field, nothing written."""

import pytest
from django.http import Http404

from apps.orgs import selectors, services
from apps.orgs.models import Bureau, DormRoom, HospitalContact, School, SchoolClass, Unit
from apps.orgs.tests.test_services import reasons

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions_more(world):
    """Two real regions beyond the test province's: a county of Zhengzhou and a city."""
    from apps.regions.models import Region

    Region.objects.create(code="410104", name="管城回族区", level="county", parent_id="410100",
                          full_name="河南省郑州市管城回族区")
    Region.objects.create(code="410200", name="开封市", level="prefecture", parent_id="410000",
                          full_name="河南省开封市")
    return world


def test_it_lets_the_province_create_and_rename_a_county_bureau(regions_more):
    w, province = regions_more, regions_more.users["province"]
    bureau = services.bureau_create(actor=province, name="管城区教育局", level="county",
                                    region_code="410104", parent=w.bureaus["zhengzhou"])
    services.bureau_update(actor=province, bureau=bureau, name="管城回族区教育局")
    history = bureau.history.order_by("history_id")
    kinds = [(h.history_type, h.name, h.history_user) for h in history]
    assert kinds == [("+", "管城区教育局", province), ("~", "管城回族区教育局", province)]


def test_it_refuses_a_second_bureau_of_one_name_under_a_parent(regions_more):
    w = regions_more
    assert reasons(services.bureau_create, actor=w.users["province"], name="金水区教育局",
                   level="county", region_code="410104",
                   parent=w.bureaus["zhengzhou"]) == {"name": "duplicate"}
    assert reasons(services.bureau_update, actor=w.users["province"], bureau=w.bureaus["zhongyuan"],
                   name=" 金水区教育局 ") == {"name": "duplicate"}
    assert Bureau.objects.count() == 6


@pytest.mark.parametrize("persona", ["zhengzhou_city", "jinshui_bureau", "school_a_admin"])
def test_it_keeps_bureaus_to_the_province(regions_more, persona):
    w = regions_more
    if persona == "zhengzhou_city":  # a city bureau admin: still not the province
        from apps.access.models import RoleAssignment, User

        user = User.objects.create_user(username="zz", password="x-long-password")
        RoleAssignment.objects.create(user=user, role="bureau_admin", bureau=w.bureaus["zhengzhou"])
    else:
        user = w.users[persona]
    with pytest.raises(Http404):
        services.bureau_create(actor=user, name="管城区教育局", level="county",
                               region_code="410104", parent=w.bureaus["zhengzhou"])
    with pytest.raises(Http404):
        services.bureau_update(actor=user, bureau=w.bureaus["jinshui"], name="x")


def test_it_closes_and_reopens_a_school_with_a_reason_in_its_history(world):
    bureau, school = world.users["jinshui_bureau"], world.schools["a"]
    assert reasons(services.school_close, actor=bureau, school=school,
                   reason=" ") == {"reason": "required"}
    services.school_close(actor=bureau, school=school, reason="并入金水区第二中学")
    assert reasons(services.school_close, actor=bureau, school=school,
                   reason="again") == {"school": "already_closed"}
    last = school.history.latest("history_id")
    assert (last.active, last.history_change_reason, last.history_user) == (
        False, "并入金水区第二中学", bureau)
    assert School.objects.filter(pk=school.pk, active=False).exists()  # kept, not deleted
    services.school_reopen(actor=bureau, school=school, reason="撤销合并")
    assert School.objects.get(pk=school.pk).active


def test_it_gives_a_closed_school_no_new_units_classes_or_rooms(world):
    admin, school = world.users["school_a_admin"], world.schools["a"]
    services.school_close(actor=world.users["jinshui_bureau"], school=school, reason="停办")
    for call, kwargs in ((services.unit_create, {"name": "八年级", "kind": "grade"}),
                         (services.class_create, {"unit": world.units["a_grade"], "name": "9班"}),
                         (services.dorm_room_create, {"building": "1号楼", "room": "101"})):
        assert reasons(call, actor=admin, school=school, **kwargs) == {"school": "closed"}


@pytest.mark.parametrize("persona", ["school_a_admin", "zhongyuan_bureau", "teacher_a1"])
def test_it_keeps_closing_to_the_schools_bureau(world, persona):
    with pytest.raises(Http404):
        services.school_close(actor=world.users[persona], school=world.schools["a"], reason="x")


def test_it_renames_a_unit_and_keeps_classes_in_grades(world):
    admin = world.users["school_a_admin"]
    grade, office = world.units["a_grade"], world.units["a_office"]
    assert reasons(services.unit_update, actor=admin, unit=office,
                   name="七年级") == {"name": "duplicate"}
    assert reasons(services.unit_update, actor=admin, unit=grade,
                   kind="department") == {"kind": "has_classes"}
    services.unit_update(actor=admin, unit=grade, name="初一")
    assert Unit.objects.get(pk=grade.pk).name == "初一"
    with pytest.raises(Http404):
        services.unit_update(actor=world.users["school_b_admin"], unit=grade, name="x")


def test_it_creates_a_class_in_a_grade_for_this_school_year(world):
    admin, school = world.users["school_a_admin"], world.schools["a"]
    klass = services.class_create(actor=admin, school=school, unit=world.units["a_grade"],
                                  name="七年级3班")
    assert klass.school_year == 2026  # the suite's day is 2026-11-18: school year 2026-2027
    assert reasons(services.class_create, actor=admin, school=school, unit=world.units["a_office"],
                   name="教务1班", school_year=1999) == {
        "unit": "not_a_grade", "school_year": "out_of_range"}


def test_it_moves_renames_and_dates_a_class(world):
    admin, klass = world.users["school_a_admin"], world.classes["a_c2"]
    grade8 = services.unit_create(actor=admin, school=world.schools["a"], name="八年级",
                                  kind="grade")
    services.class_update(actor=admin, klass=klass, name="八年级2班", unit=grade8, school_year=2027)
    klass = SchoolClass.objects.get(pk=klass.pk)
    assert (klass.name, klass.unit, klass.school_year) == ("八年级2班", grade8, 2027)
    assert reasons(services.class_update, actor=admin, klass=klass, name="七年级1班",
                   unit=world.units["b_grade"]) == {"name": "duplicate", "unit": "wrong_school"}
    assert klass.history.latest("history_id").history_user == admin
    with pytest.raises(Http404):
        services.class_update(actor=world.users["teacher_a2"], klass=klass, name="x")


def test_it_keeps_a_rooms_beds_at_or_above_its_boarders(world):
    admin = world.users["school_a_admin"]
    room = services.dorm_room_create(actor=admin, school=world.schools["a"], building="1号楼",
                                     room="101", beds=4)
    services.dorm_room_create(actor=admin, school=world.schools["a"], building="1号楼", room="102")
    for key in ("a1_student", "a1_student2"):
        world.persons[key].dorm_room = room
        world.persons[key].save()
    assert reasons(services.dorm_room_update, actor=admin, dorm_room=room, building="1号楼",
                   room="102", beds=1) == {"room": "duplicate", "beds": "below_occupants"}
    services.dorm_room_update(actor=admin, dorm_room=room, building="2号楼", room="201", beds=2)
    assert str(DormRoom.objects.get(pk=room.pk)) == "2号楼 201"
    assert room.history.count() == 2


def test_it_changes_a_hospital_and_its_contacts_with_history(world):
    bureau, hospital = world.users["jinshui_bureau"], world.hospital
    assert reasons(services.hospital_update, actor=bureau, hospital=hospital, name="",
                   address="", phone="12") == {"name": "required", "phone": "bad_phone"}
    services.hospital_update(actor=bureau, hospital=hospital, name="金水区人民医院",
                             address="经三路1号", phone="0371-65551234")
    contact = services.hospital_contact_add(actor=bureau, hospital=hospital, name="李医生",
                                            role="联络员", phone="13912345678")
    services.hospital_contact_update(actor=bureau, contact=contact, name="李医生",
                                     role="感染科主任", phone="13912345679")
    services.hospital_contact_remove(actor=bureau, contact=contact)
    assert not HospitalContact.objects.exists()
    kinds = [h.history_type for h in HospitalContact.history.order_by("history_id")]
    assert kinds == ["+", "~", "-"]
    for persona in ("hospital_a", "school_a_admin", "luoyang_bureau"):
        with pytest.raises(Http404):
            services.hospital_update(actor=world.users[persona], hospital=hospital, name="x",
                                     address="", phone="0371-65551234")


def test_it_lists_open_schools_without_a_hospital_for_their_bureau(world):
    luoyang, province = world.users["luoyang_bureau"], world.users["province"]
    assert [s.name for s in selectors.schools_without_hospital(user=luoyang)] == ["涧西区实验中学"]
    assert list(selectors.schools_without_hospital(user=world.users["jinshui_bureau"])) == []
    assert selectors.readiness_counts(user=province) == {"total": 2, "missing": 1}
    services.school_close(actor=luoyang, school=world.schools["b"], reason="停办")
    assert list(selectors.schools_without_hospital(user=province)) == []
    assert list(selectors.schools_without_hospital(user=world.users["school_b_admin"])) == []
