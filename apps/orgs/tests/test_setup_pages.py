"""The set-up pages as each persona sees them: what each level may open, bad input shown on
its field (in Chinese by default, in English after switching), the readiness list paired in
place by htmx."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from apps.orgs.models import Bureau, School, SchoolClass, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client, world):
    def _login(username, language="zh-hans"):
        client.force_login(world.users[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return _login


def menu(client) -> list[str]:
    page = client.get(reverse("web:home")).content.decode()
    return re.findall(r'href="(/setup/[^"]*)"', page.split('id="user-box"')[0])


def test_it_gives_each_level_its_own_set_up_pages(login):
    assert menu(login("province")) == ["/setup/bureaus/", "/setup/schools/", "/setup/hospitals/",
                                       "/setup/readiness/", "/setup/rollover/"]
    assert menu(login("jinshui_bureau")) == ["/setup/schools/", "/setup/hospitals/",
                                             "/setup/readiness/", "/setup/rollover/"]
    assert menu(login("school_a_admin")) == ["/setup/schools/", "/setup/rollover/"]
    assert menu(login("teacher_a1")) == [] and menu(login("hospital_a")) == []


@pytest.mark.parametrize(("persona", "url", "status"), [
    ("jinshui_bureau", "orgs:bureau_list", 404),
    ("school_a_admin", "orgs:school_new", 404),
    ("school_a_admin", "orgs:hospital_list", 404),
    ("school_a_admin", "orgs:readiness", 404),
    ("teacher_a1", "orgs:school_list", 404),
    ("province", "orgs:bureau_new", 200),
    ("jinshui_bureau", "orgs:school_new", 200),
])
def test_it_opens_a_page_only_to_those_who_keep_it(login, persona, url, status):
    assert login(persona).get(reverse(url)).status_code == status


def test_it_lets_the_province_add_a_county_bureau(login, world):
    from apps.regions.models import Region

    Region.objects.create(code="410104", name="管城回族区", level="county", parent_id="410100",
                          full_name="河南省郑州市管城回族区")
    client = login("province")
    data = {"name": "管城回族区教育局", "level": "county", "region_code": "410104",
            "parent": world.bureaus["zhengzhou"].pk}
    response = client.post(reverse("orgs:bureau_new"), data)
    assert response.status_code == 302 and Bureau.objects.filter(region_id="410104").exists()
    page = client.get(reverse("orgs:bureau_list")).content.decode()
    assert "管城回族区教育局" in page and 'data-region="410104"' in page


def test_it_answers_bad_school_input_on_each_field_in_chinese_then_english(login, world):
    client = login("jinshui_bureau")
    data = {"name": "金水区第一中学", "code": "4103050001", "kind": "junior", "boarding": "day",
            "bureau": world.bureaus["jinshui"].pk, "region_code": "410305"}
    response = client.post(reverse("orgs:school_new"), data)
    page = response.content.decode()
    assert response.status_code == 400 and School.objects.count() == 2
    for text in ("该教育局下已有同名学校", "已有其他学校使用此学校代码",
                 "学校所在行政区划不在其教育局辖区内"):
        assert text in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(reverse("orgs:school_new"), data).content.decode()
    assert "This bureau already has a school with this name." in page
    assert "Another school has this school code." in page


def test_it_lets_a_bureau_register_and_close_a_school(login, world):
    client = login("jinshui_bureau")
    data = {"name": "金水区第二中学", "code": "4101050002", "kind": "senior",
            "boarding": "boarding", "bureau": world.bureaus["jinshui"].pk,
            "region_code": "410105", "address": "文化路1号"}
    response = client.post(reverse("orgs:school_new"), data)
    school = School.objects.get(code="4101050002")
    assert response.url == reverse("orgs:school_detail", args=[school.pk])
    assert client.post(reverse("orgs:school_close", args=[school.pk]), {}).status_code == 400
    client.post(reverse("orgs:school_close", args=[school.pk]), {"reason": "未开学即停办"})
    page = client.get(reverse("orgs:school_detail", args=[school.pk])).content.decode()
    assert 'id="school-state">已停办' in page and "未开学即停办" in School.history.filter(
        id=school.pk).latest("history_id").history_change_reason
    assert 'id="unit-new"' not in page  # closed: no new units


def test_it_lets_a_school_admin_add_a_grade_and_a_class(login, world):
    client, school = login("school_a_admin"), world.schools["a"]
    assert client.get(reverse("orgs:school_edit", args=[school.pk])).status_code == 404
    client.post(reverse("orgs:school_unit_new", args=[school.pk]),
                {"name": "八年级", "kind": "grade"})
    grade = Unit.objects.get(school=school, name="八年级")
    response = client.post(reverse("orgs:school_class_new", args=[school.pk]),
                           {"name": "七年级1班", "unit": grade.pk, "school_year": 2026})
    assert response.status_code == 400 and "该学校已有同名班级" in response.content.decode()
    client.post(reverse("orgs:school_class_new", args=[school.pk]),
                {"name": "八年级1班", "unit": grade.pk, "school_year": 2026})
    klass = SchoolClass.objects.get(school=school, name="八年级1班")
    assert (klass.unit, klass.school_year) == (grade, 2026)
    page = client.get(reverse("orgs:school_detail", args=[school.pk])).content.decode()
    assert "2026–2027" in page and "八年级1班" in page


def test_it_pairs_a_school_from_the_readiness_list_in_place(login, world):
    client, school = login("province"), world.schools["b"]
    page = client.get(reverse("orgs:readiness")).content.decode()
    assert f'id="ready-{school.pk}"' in page and "2 所开办中的学校中有 1 所" in page
    url = reverse("orgs:school_hospital", args=[school.pk])
    answer = client.post(url, {"hospital": ""}, headers={"HX-Request": "true"})
    assert answer.status_code == 400 and "请选择医院" in answer.content.decode()
    answer = client.post(url, {"hospital": world.hospital.pk}, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and f'data-paired="{school.pk}"' in answer.content.decode()
    assert School.objects.get(pk=school.pk).hospital == world.hospital
    assert "每所开办中的学校都有定点医院" in client.get(reverse("orgs:readiness")).content.decode()


def test_it_adds_a_liaison_to_a_hospital(login, world):
    client, hospital = login("jinshui_bureau"), world.hospital
    url = reverse("orgs:hospital_contact_add", args=[hospital.pk])
    response = client.post(url, {"name": "李医生", "role": "联络员", "phone": "123"})
    assert response.status_code == 400 and "这不是有效的电话号码" in response.content.decode()
    client.post(url, {"name": "李医生", "role": "联络员", "phone": "13912345678"})
    page = client.get(reverse("orgs:hospital_detail", args=[hospital.pk])).content.decode()
    assert "13912345678" in page and "联络员" in page
    assert client.get(reverse("orgs:hospital_detail", args=[hospital.pk])).status_code == 200
    other = login("luoyang_bureau")
    assert other.get(reverse("orgs:hospital_detail", args=[hospital.pk])).status_code == 404
