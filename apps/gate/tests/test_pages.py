"""The gate pages: kiosk, checks of a day, stops by reason, overrides; scope by persona."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.gate.tests.conftest import checkin

pytestmark = pytest.mark.django_db


def _as(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


@pytest.fixture
def checks(world, scan):
    checkin(world.persons["a1_student"])
    return {"pass": scan("gate_a", "A2024001"), "fever": scan("gate_a", "A2024002", "38.6"),
            "unknown": scan("gate_a", "NOBODY")}


def test_it_shows_the_kiosk_to_a_gate_officer_only(world):
    page = _as(world, "gate_a").get(reverse("gate:kiosk"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "scan-input" in text and world.schools["a"].name in text
    assert _as(world, "teacher_a1").get(reverse("gate:kiosk")).status_code == 404


def test_it_lists_todays_checks_for_the_school_and_its_bureau(world, checks):
    for persona in ("school_a_admin", "jinshui_bureau", "reporter_a"):
        page = _as(world, persona).get(reverse("gate:checks")).content.decode()
        assert "张小明" in page and "刘小红" in page, persona


def test_it_shows_another_county_no_checks(world, checks):
    page = _as(world, "zhongyuan_bureau").get(reverse("gate:checks"))
    assert page.status_code == 200
    assert "张小明" not in page.content.decode()
    assert 'data-check="' not in page.content.decode()
    school = world.schools["a"].pk
    assert _as(world, "school_b_admin").get(reverse("gate:checks"),
                                           {"school": school}).status_code == 404


def test_it_hides_the_lists_from_a_gate_officer_and_a_class_teacher(world, checks):
    for persona in ("gate_a", "teacher_a1"):
        assert _as(world, persona).get(reverse("gate:checks")).status_code == 404


def test_it_counts_stops_by_reason_with_a_chart(world, checks):
    page = _as(world, "school_a_admin").get(reverse("gate:stops")).content.decode()
    assert 'data-reason="fever"' in page and 'data-reason="unknown_person"' in page
    assert 'id="stops-data"' in page and "chart-stops" in page
    empty = _as(world, "luoyang_bureau").get(reverse("gate:stops")).content.decode()
    assert 'data-reason="fever"' not in empty


def test_it_overrides_from_the_page_and_reports_it(world, checks):
    admin = _as(world, "school_a_admin")
    url = reverse("gate:override", args=[checks["fever"].check_id])
    refused = admin.post(url, {"reason": ""})
    assert refused.status_code == 200 and "is-invalid" in refused.content.decode()
    assert admin.post(url, {"reason": "复测36.8正常"}).status_code == 302
    report = _as(world, "jinshui_bureau").get(reverse("gate:overrides")).content.decode()
    assert "复测36.8正常" in report and "刘小红" in report
    assert "复测36.8正常" not in _as(world, "luoyang_bureau").get(
        reverse("gate:overrides")).content.decode()
    assert _as(world, "school_b_admin").get(url).status_code == 404


def test_it_gives_each_role_its_menu(world):
    from apps.gate.menu import entries

    assert [e.url_name for e in entries(world.users["gate_a"])] == ["gate:kiosk"]
    assert "gate:stops" in [e.url_name for e in entries(world.users["school_a_admin"])]
    assert entries(world.users["teacher_a1"]) == []
