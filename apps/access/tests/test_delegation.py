"""The delegation rule, as a table: who (a grant) may grant which role on which node."""

import pytest

from apps.access.delegation import Place, grantable_roles, refusal
from apps.access.grants import Grant

HENAN, ZZ, JINSHUI, ZHONGYUAN, LUOYANG, JIANXI = (
    "410000", "410100", "410105", "410102", "410300", "410305")


def region(role, level, code):
    return Grant(role, "region", frozenset(), region_level=level, region_code=code)


PROVINCE = region("province_admin", "province", HENAN)
CITY_ZZ = region("bureau_admin", "city", ZZ)
COUNTY_JS = region("bureau_admin", "county", JINSHUI)
COUNTY_ZY = region("bureau_admin", "county", ZHONGYUAN)
SCHOOL_1 = Grant("school_admin", "school", frozenset(), school_ids=(1,))
SCHOOL_2 = Grant("school_admin", "school", frozenset(), school_ids=(2,))
TEACHER = Grant("class_teacher", "klass", frozenset(), school_ids=(1,), unit_ids=(10,),
                klass_ids=(100,))
REPORTER = Grant("outbreak_reporter", "school", frozenset(), school_ids=(1,))
UNIT_LEAD = Grant("unit_lead", "unit", frozenset(), school_ids=(1,), unit_ids=(10,))
LIAISON = Grant("hospital_liaison", "hospital", frozenset(), hospital_id=7)

DEPARTMENT = Place("bureau", HENAN, level="province")
CITY_BUREAU = Place("bureau", HENAN, ZZ, level="city")
JINSHUI_BUREAU = Place("bureau", HENAN, ZZ, JINSHUI, level="county")
ZHONGYUAN_BUREAU = Place("bureau", HENAN, ZZ, ZHONGYUAN, level="county")
JIANXI_BUREAU = Place("bureau", HENAN, LUOYANG, JIANXI, level="county")
SCHOOL_IN_JS = Place("school", HENAN, ZZ, JINSHUI, school_id=1)
UNIT_IN_JS = Place("unit", HENAN, ZZ, JINSHUI, school_id=1)
CLASS_IN_JS = Place("klass", HENAN, ZZ, JINSHUI, school_id=1)
SCHOOL_IN_JX = Place("school", HENAN, LUOYANG, JIANXI, school_id=2)
CITY_SCHOOL = Place("school", HENAN, ZZ, school_id=3)  # under the city bureau itself
HOSPITAL_JS = Place("hospital", HENAN, ZZ, JINSHUI)
SHANGHAI_SCHOOL = Place("school", "310000", "", "310115", school_id=9)

TABLE = [
    # granter, role, place, refusal (None: granted)
    (PROVINCE, "province_admin", DEPARTMENT, None),
    (PROVINCE, "bureau_admin", CITY_BUREAU, None),
    (PROVINCE, "bureau_admin", JIANXI_BUREAU, None),
    (PROVINCE, "school_admin", SCHOOL_IN_JX, None),
    (PROVINCE, "hospital_liaison", HOSPITAL_JS, None),
    (PROVINCE, "gate_officer", SCHOOL_IN_JS, None),
    (PROVINCE, "bureau_admin", DEPARTMENT, "wrong_node"),
    (PROVINCE, "province_admin", CITY_BUREAU, "wrong_node"),
    (PROVINCE, "school_admin", SHANGHAI_SCHOOL, "out_of_scope"),
    (CITY_ZZ, "bureau_admin", JINSHUI_BUREAU, None),
    (CITY_ZZ, "bureau_admin", ZHONGYUAN_BUREAU, None),
    (CITY_ZZ, "school_admin", SCHOOL_IN_JS, None),
    (CITY_ZZ, "school_admin", CITY_SCHOOL, None),
    (CITY_ZZ, "hospital_liaison", HOSPITAL_JS, None),
    (CITY_ZZ, "bureau_admin", CITY_BUREAU, "above_own"),  # its own level: the province's
    (CITY_ZZ, "province_admin", DEPARTMENT, "out_of_scope"),
    (CITY_ZZ, "bureau_admin", JIANXI_BUREAU, "out_of_scope"),
    (CITY_ZZ, "school_admin", SCHOOL_IN_JX, "out_of_scope"),
    (COUNTY_JS, "school_admin", SCHOOL_IN_JS, None),
    (COUNTY_JS, "outbreak_reporter", SCHOOL_IN_JS, None),
    (COUNTY_JS, "hospital_liaison", HOSPITAL_JS, None),
    (COUNTY_JS, "bureau_admin", JINSHUI_BUREAU, "above_own"),
    (COUNTY_JS, "bureau_admin", ZHONGYUAN_BUREAU, "out_of_scope"),
    (COUNTY_JS, "bureau_admin", CITY_BUREAU, "out_of_scope"),
    (COUNTY_JS, "school_admin", CITY_SCHOOL, "out_of_scope"),
    (COUNTY_ZY, "school_admin", SCHOOL_IN_JS, "out_of_scope"),
    (SCHOOL_1, "class_teacher", CLASS_IN_JS, None),
    (SCHOOL_1, "unit_lead", UNIT_IN_JS, None),
    (SCHOOL_1, "outbreak_reporter", SCHOOL_IN_JS, None),
    (SCHOOL_1, "gate_officer", SCHOOL_IN_JS, None),
    (SCHOOL_1, "sampler", SCHOOL_IN_JS, None),
    (SCHOOL_1, "school_admin", SCHOOL_IN_JS, "above_own"),
    (SCHOOL_1, "hospital_liaison", HOSPITAL_JS, "out_of_scope"),
    (SCHOOL_1, "bureau_admin", JINSHUI_BUREAU, "out_of_scope"),
    (SCHOOL_2, "gate_officer", SCHOOL_IN_JS, "out_of_scope"),
    (SCHOOL_2, "class_teacher", CLASS_IN_JS, "out_of_scope"),
    (SCHOOL_1, "unit_lead", SCHOOL_IN_JS, "wrong_node"),
    (SCHOOL_1, "guardian", SCHOOL_IN_JS, "not_grantable"),
    (PROVINCE, "self", SCHOOL_IN_JS, "not_grantable"),
    (PROVINCE, "no_such_role", SCHOOL_IN_JS, "not_grantable"),
    (TEACHER, "class_teacher", CLASS_IN_JS, "not_granter"),
    (REPORTER, "gate_officer", SCHOOL_IN_JS, "not_granter"),
    (UNIT_LEAD, "class_teacher", CLASS_IN_JS, "not_granter"),
    (LIAISON, "hospital_liaison", HOSPITAL_JS, "not_granter"),
]


@pytest.mark.parametrize(("grant", "role", "place", "expected"), TABLE)
def test_it_decides_each_grant_by_the_table(grant, role, place, expected):
    assert refusal([grant], role, place) == expected


def test_it_lets_any_of_the_granters_roles_decide():
    # A school admin who is also a county's bureau admin appoints the county's school admins.
    assert refusal([SCHOOL_2, COUNTY_JS], "school_admin", SCHOOL_IN_JS) is None
    assert refusal([SCHOOL_2, COUNTY_ZY], "school_admin", SCHOOL_IN_JS) == "out_of_scope"
    assert refusal([], "gate_officer", SCHOOL_IN_JS) == "not_granter"


def test_it_never_grants_above_the_granters_own_level():
    grants = (PROVINCE, CITY_ZZ, COUNTY_JS, SCHOOL_1)
    places = (DEPARTMENT, CITY_BUREAU, JINSHUI_BUREAU, SCHOOL_IN_JS, UNIT_IN_JS, CLASS_IN_JS,
              HOSPITAL_JS)
    from apps.access.delegation import holding_rank, role_rank

    for grant in grants:
        for place in places:
            for role in grantable_roles([grant], place):
                assert role_rank(role, place) > holding_rank(grant) or role == "province_admin"


def test_it_lists_what_a_school_admin_may_grant_in_its_school():
    assert grantable_roles([SCHOOL_1], SCHOOL_IN_JS) == [
        "outbreak_reporter", "gate_officer", "sampler"]
    assert grantable_roles([COUNTY_JS], SCHOOL_IN_JS) == [
        "school_admin", "outbreak_reporter", "gate_officer", "sampler"]
    assert grantable_roles([SCHOOL_1], SCHOOL_IN_JX) == []
