"""The orgs router with personas: 404 outside the caller's scope, filters, details."""

import pytest
from ninja.testing import TestClient

from apps.orgs.api import router
from apps.orgs.models import HospitalContact

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = TestClient(router)

    def get(user, path):
        return client.get(path, user=user)

    return get


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_it_hides_another_countys_school(w, api):
    zhongyuan, jinshui = w.users["zhongyuan_bureau"], w.users["jinshui_bureau"]
    school_a = w.schools["a"].pk
    assert api(jinshui, f"/schools/{school_a}").status_code == 200
    for path in (f"/schools/{school_a}", f"/schools/{school_a}/units",
                 f"/schools/{school_a}/classes", f"/classes/{w.classes['a_c1'].pk}",
                 f"/bureaus/{w.bureaus['jinshui'].pk}"):
        response = api(zhongyuan, path)
        assert response.status_code == 404, path
    assert names(api(zhongyuan, "/schools")) == []
    assert api(jinshui, f"/schools/{w.schools['b'].pk}").status_code == 404


def test_it_lists_schools_with_filters(w, api):
    province = w.users["province"]
    assert names(api(province, "/schools")) == ["金水区第一中学", "涧西区实验中学"]
    assert names(api(province, "/schools?county_code=410305")) == ["涧西区实验中学"]
    assert names(api(province, f"/schools?bureau={w.bureaus['jinshui'].pk}")) == ["金水区第一中学"]
    assert names(api(province, "/schools?q=实验")) == ["涧西区实验中学"]
    assert names(api(province, "/schools?q=4101050001")) == ["金水区第一中学"]
    assert names(api(province, "/schools?kind=primary")) == []
    assert api(province, "/schools?kind=college").status_code == 422
    assert names(api(w.users["luoyang_bureau"], "/schools")) == ["涧西区实验中学"]


def test_it_shows_a_school_with_its_hospital_and_contacts(w, api):
    contact = HospitalContact.objects.create(hospital=w.hospital, name="李医生", role="感染科主任",
                                             phone="13912345678")
    body = api(w.users["teacher_a1"], f"/schools/{w.schools['a'].pk}").json()
    assert (body["name"], body["region_name"], body["person_count"]) == (
        "金水区第一中学", "河南省郑州市金水区", 3)
    assert body["hospital"]["name"] == "金水区人民医院"
    assert body["hospital"]["contacts"] == [
        {"id": contact.pk, "name": "李医生", "role": "感染科主任", "phone": "13912345678"}]
    assert api(w.users["province"], f"/schools/{w.schools['b'].pk}").json()["hospital"] is None


def test_it_shows_a_class_teacher_only_their_class(w, api):
    teacher, school = w.users["teacher_a1"], w.schools["a"].pk
    assert names(api(teacher, f"/schools/{school}/classes")) == ["七年级1班"]
    everyone = api(w.users["school_a_admin"], f"/schools/{school}/classes")
    assert names(everyone) == ["七年级1班", "七年级2班"]
    mine = api(teacher, f"/classes/{w.classes['a_c1'].pk}").json()
    assert (mine["teacher_name"], mine["unit_name"], mine["person_count"]) == (
        "王老师", "七年级", 2)
    assert api(teacher, f"/classes/{w.classes['a_c2'].pk}").status_code == 404


def test_it_lists_units_with_counts(w, api):
    body = api(w.users["school_a_admin"], f"/schools/{w.schools['a'].pk}/units").json()
    assert [(u["name"], u["kind"], u["person_count"]) for u in body["items"]] == [
        ("七年级", "grade", 3), ("教务处", "department", 1)]


def test_it_lists_bureaus_in_scope_with_children(w, api):
    assert names(api(w.users["luoyang_bureau"], "/bureaus")) == ["洛阳市教育局", "涧西区教育局"]
    assert names(api(w.users["school_a_admin"], "/bureaus")) == []
    body = api(w.users["province"], f"/bureaus/{w.bureaus['zhengzhou'].pk}").json()
    assert (body["region_code"], body["region_name"], body["level"]) == (
        "410100", "河南省郑州市", "city")
    assert [(c["kind"], c["name"], c["person_count"]) for c in body["children"]] == [
        ("bureau", "中原区教育局", 0), ("bureau", "金水区教育局", 4)]
