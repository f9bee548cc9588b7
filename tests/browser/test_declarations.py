"""A class teacher declares a two-leg trip for a student of their class on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.travel.models import TripLeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_it_lets_a_class_teacher_declare_a_two_leg_trip_on_a_phone(world, login_as,
                                                                   assets_loaded):
    student = world.persons["a1_student"]
    out, back = (timezone.localdate() - timedelta(days=n) for n in (6, 3))
    page = login_as("teacher_a1", viewport=PHONE)
    page.goto(page.base + "/declarations/")
    page.click("#chooser a:has-text('张小明')")
    page.click("#declare-trip")
    assert assets_loaded(page)
    page.fill("#legs-0-from_region", "郑州市金水区")
    page.fill("#legs-0-to_region", "上海市浦东新区")
    page.fill("#legs-0-depart", out.isoformat())
    page.fill("#legs-0-arrive", out.isoformat())
    page.fill("#legs-0-number", "G1234")
    page.click("#add-leg")
    expect(page.locator("#legs .leg")).to_have_count(2)
    # the new leg leaves from where the last one arrived
    expect(page.locator("#legs-1-from_region")).to_have_value("上海市浦东新区")
    page.fill("#legs-1-to_region", "410105")
    page.fill("#legs-1-depart", back.isoformat())
    page.fill("#legs-1-arrive", back.isoformat())
    page.select_option("#legs-1-transport", "flight")
    # the form fits the phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("#trip-submit")
    page.wait_for_url(f"{page.base}/declarations/person/{student.pk}/")
    expect(page.locator("#trips .trip-leg")).to_have_count(2)
    expect(page.locator("#trips")).to_contain_text("上海市浦东新区")
    legs = TripLeg.objects.filter(person=student).order_by("leg_no")
    assert [(x.from_region_id, x.to_region_id, x.transport) for x in legs] == [
        ("410105", "310115", "train"), ("310115", "410105", "flight")]
