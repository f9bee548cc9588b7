"""The check-in page (one tap, full form, choosing a child), the class teacher's roll, the
completion pages and the abnormal list, with personas."""

import pytest
from django.conf import settings
from django.urls import reverse

from apps.health.models import CheckIn
from apps.health.tests.test_selectors import put

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client, world):
    def login(username):
        client.force_login(world.users[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


def page(client, name, **params):
    response = client.get(reverse(name), params)
    return response.status_code, response.content.decode()


def post(client, person, **data):
    values = {"person": person.pk, "slot": "morning", "client_id": "c-1", **data}
    return client.post(reverse("health:checkin"), values)


def test_it_opens_the_check_in_of_a_student_with_nothing_pre_filled(world, as_user):
    status, html = page(as_user("student_a1"), "health:checkin")
    assert status == 200 and "张小明" in html and 'id="healthy"' in html
    assert 'name="temperature" id="id_temperature"' in html and 'value=""' in html
    assert "checked" not in html  # no symptom and no household answer ticked in advance


def test_it_records_healthy_no_change_in_one_tap_with_the_typed_temperature(world, as_user):
    client = as_user("guardian_a1")
    response = post(client, world.persons["a1_student"], temperature="36.4", quick="1")
    assert response.status_code == 302
    row = CheckIn.objects.get()
    assert (str(row.temperature), row.symptoms, row.household_symptoms, row.household_travel,
            row.submitted_as, row.abnormal) == ("36.4", [], False, False, "guardian", False)
    assert row.device and client.cookies["shaodian_device"].value


def test_it_needs_the_temperature_even_for_the_one_tap(world, as_user):
    response = post(as_user("guardian_a1"), world.persons["a1_student"], quick="1")
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_it_refuses_the_one_tap_when_symptoms_are_ticked(world, as_user):
    response = post(as_user("guardian_a1"), world.persons["a1_student"], temperature="36.4",
                    quick="1", symptoms=["cough"])
    assert response.status_code == 400 and "Submit these answers" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_it_records_the_full_form_and_shows_errors_on_their_fields(world, as_user):
    client = as_user("guardian_a1")
    response = post(client, world.persons["a1_student"], temperature="365",
                    symptoms=["cough"], household_symptoms="no")
    html = response.content.decode()
    assert response.status_code == 400 and "did you mean 36.5 °C?" in html
    assert 'id="error-household_travel"' in html
    assert 'value="cough" id="symptom-cough" checked' in html  # the answers are kept
    response = post(client, world.persons["a1_student"], temperature="37.8",
                    symptoms=["cough"], household_symptoms="no", household_travel="yes",
                    region="410105", client_id="c-2")
    row = CheckIn.objects.get()
    assert (row.symptoms, row.household_travel, row.region_id, row.fever) == (
        ["cough"], True, "410105", True)


def test_it_lets_a_guardian_of_two_choose_the_child(world, as_user):
    from apps.people.models import Guardianship

    Guardianship.objects.create(school=world.schools["a"], person=world.persons["a2_student"],
                                user=world.users["guardian_a1"], relation="父亲")
    client = as_user("guardian_a1")
    status, html = page(client, "health:checkin")
    assert status == 200 and "张小明" in html and "陈小刚" in html and 'id="chooser"' in html
    status, html = page(client, "health:checkin", person=world.persons["a2_student"].pk)
    assert 'id="checkin-person">陈小刚' in html


def test_it_answers_404_for_someone_elses_child(world, as_user):
    status, _html = page(as_user("guardian_a1"), "health:checkin",
                         person=world.persons["a2_student"].pk)
    assert status == 404
    response = post(as_user("guardian_a1"), world.persons["a2_student"], temperature="36.5",
                    quick="1")
    assert response.status_code == 404 and not CheckIn.objects.exists()


def test_it_shows_a_class_teacher_the_roll_of_their_class_only(world, as_user):
    put(world, "a1_student")
    client = as_user("teacher_a1")
    status, html = page(client, "health:teacher", slot="morning")
    assert status == 200 and 'hx-trigger="every 30s"' in html
    assert "刘小红" in html and "陈小刚" not in html
    response = client.get(reverse("health:roll", args=[world.classes["a_c2"].pk]))
    assert response.status_code == 404


def test_it_refreshes_the_roll_as_check_ins_arrive(world, as_user):
    client = as_user("teacher_a1")
    url = reverse("health:roll", args=[world.classes["a_c1"].pk]) + "?slot=morning"
    before = client.get(url).content.decode()
    assert 'id="count-missing">2<' in before
    put(world, "a1_student2")
    after = client.get(url).content.decode()
    assert 'id="count-missing">1<' in after and 'id="count-done">1<' in after


def test_it_shows_a_school_its_completion_by_class_and_unit(world, as_user):
    put(world, "a1_student")
    status, html = page(as_user("school_a_admin"), "health:school")
    assert status == 200 and 'id="classes-morning"' in html and "七年级1班" in html
    assert "金水区第一中学" in html


def test_it_shows_a_bureau_its_schools_and_refuses_a_school(world, as_user):
    put(world, "b1_student")
    status, html = page(as_user("luoyang_bureau"), "health:bureau", slot="morning")
    assert status == 200 and "涧西区实验中学" in html and "金水区第一中学" not in html
    assert page(as_user("school_a_admin"), "health:bureau")[0] == 404


def test_it_shows_the_abnormal_list_with_the_trend_chart(world, as_user):
    put(world, "a1_student", temperature="38.6", symptoms=["cough"])
    status, html = page(as_user("reporter_a"), "health:abnormal")
    assert status == 200 and "张小明" in html and 'id="trend-data"' in html
    assert "/static/vendor/chart.umd.min." in html
    assert page(as_user("guardian_a1"), "health:abnormal")[0] == 404


def test_it_puts_the_pages_in_each_roles_menu(world, as_user):
    def menu(user):
        html = page(as_user(user), "web:home")[1]
        return {name for name in ("checkin", "teacher", "school", "bureau", "abnormal")
                if f'href="{reverse("health:" + name)}"' in html}

    assert menu("guardian_a1") == {"checkin"}
    assert menu("teacher_a1") == {"checkin", "teacher", "abnormal"}
    assert menu("school_a_admin") == {"checkin", "teacher", "school", "abnormal"}
    assert menu("luoyang_bureau") == {"bureau", "abnormal"}


def test_it_offers_the_persons_latest_open_check(world, as_user, monkeypatch):
    from django.utils import timezone

    from apps.health.tests.conftest import at

    evening = at(18)
    monkeypatch.setattr(timezone, "now", lambda: evening)
    client = as_user("teacher_a1")
    html = page(client, "health:checkin", person=world.persons["a1_student"].pk)[1]
    assert 'name="slot" value="noon"' in html  # a day student has no evening check
    boarder = world.persons["a1_student2"]
    boarder.residence = "boarder"
    boarder.save()
    html = page(client, "health:checkin", person=boarder.pk)[1]
    assert 'name="slot" value="evening"' in html
