"""The declaration pages, with personas."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.travel.models import Exposure, TripLeg

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def as_user(client, world):
    def login(username):
        client.force_login(world.users[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


def leg_data(i, frm, to, depart, arrive, number=""):
    return {f"legs-{i}-from_region": frm, f"legs-{i}-to_region": to,
            f"legs-{i}-depart": depart.isoformat(), f"legs-{i}-arrive": arrive.isoformat(),
            f"legs-{i}-transport": "train", f"legs-{i}-number": number}


def test_it_lists_whom_a_class_teacher_may_declare_for(world, as_user):
    page = as_user("teacher_a1").get(reverse("travel:choose")).content.decode()
    assert "张小明" in page and "刘小红" in page and "陈小刚" not in page


def test_it_declares_a_two_leg_trip_from_the_form(world, as_user):
    client = as_user("teacher_a1")
    pk = world.persons["a1_student"].pk
    form = client.get(reverse("travel:trip", args=[pk]))
    assert form.status_code == 200 and 'name="legs-0-from_region"' in form.content.decode()
    more = client.get(reverse("travel:leg_row", args=[pk]), {"index": 1, "from": "310115"})
    assert 'name="legs-1-from_region"' in more.content.decode() and 'value="310115"' in \
        more.content.decode()
    d = [TODAY - timedelta(days=n) for n in range(10)]
    data = {"client_id": "form-1",
            **leg_data(0, "郑州市金水区", "上海市浦东新区", d[6], d[6], "G1"),
            **leg_data(1, "310115", "410105", d[3], d[3])}
    response = client.post(reverse("travel:trip", args=[pk]), data)
    assert response.status_code == 302
    assert TripLeg.objects.filter(person_id=pk).count() == 2
    client.post(reverse("travel:trip", args=[pk]), data)  # a double submit
    assert TripLeg.objects.filter(person_id=pk).count() == 2
    listing = client.get(reverse("travel:person", args=[pk])).content.decode()
    assert "上海市浦东新区" in listing


def test_it_shows_each_legs_errors_on_the_form(world, as_user):
    client = as_user("guardian_a1")
    pk = world.persons["a1_student"].pk
    data = leg_data(0, "火星", "310115", TODAY - timedelta(days=1), TODAY - timedelta(days=2))
    response = client.post(reverse("travel:trip", args=[pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The arrival is before the departure." in page and "火星" in page
    assert not TripLeg.objects.exists()


def test_it_hides_another_class_from_a_teacher(world, as_user):
    client = as_user("teacher_a1")
    other = world.persons["a2_student"].pk
    assert client.get(reverse("travel:trip", args=[other])).status_code == 404
    assert client.get(reverse("travel:person", args=[other])).status_code == 404
    assert client.get(reverse("travel:exposure", args=[other])).status_code == 404


def test_it_declares_and_withdraws_a_contact(world, as_user):
    client = as_user("student_a1")
    pk = world.persons["a1_student"].pk
    response = client.post(reverse("travel:exposure", args=[pk]), {
        "kind": "close_contact", "on": TODAY.isoformat(), "region": "", "detail": "同桌",
        "client_id": "e-9"})
    assert response.status_code == 302
    exposure = Exposure.objects.get()
    client.post(reverse("travel:exposure_withdraw", args=[pk, exposure.pk]), {"reason": "错了"})
    assert not Exposure.objects.exists()


def test_it_links_the_person_page_to_the_declarations(world, as_user):
    pk = world.persons["a1_student"].pk
    page = as_user("teacher_a1").get(reverse("web:person_detail", args=[pk])).content.decode()
    assert reverse("travel:person", args=[pk]) in page
