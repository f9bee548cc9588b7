"""Daily check-in in a real browser: a guardian's one tap on a phone, and a class teacher's
missing list updating by itself as check-ins arrive."""

from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.health.models import CheckIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_it_lets_a_guardian_check_in_a_healthy_child_with_one_tap_on_a_phone(
        world, login_as, assets_loaded):
    page = login_as("guardian_a1", viewport=PHONE)
    page.goto(page.base + "/health/")
    assert assets_loaded(page)
    expect(page.locator("#checkin-person")).to_have_text("张小明")
    # nothing is answered in advance: no temperature, no box ticked, no household answer
    expect(page.locator("#id_temperature")).to_have_value("")
    assert page.locator("#checkin-form input:checked").count() == 0
    # the big button is on the first screen and the page fits the phone
    box = page.locator("#healthy").bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"] and box["width"] > 300
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("#healthy")  # without a temperature: refused, nothing saved
    expect(page.locator("#error-temperature")).to_be_visible()
    assert not CheckIn.objects.exists()
    page.fill("#id_temperature", "365")
    page.click("#healthy")
    expect(page.locator("#error-temperature")).to_contain_text("36.5")
    page.fill("#id_temperature", "36.5")
    page.click("#healthy")
    expect(page.locator(".alert-success")).to_contain_text("36.5")
    # a day student has a morning and a noon check; the noon one opens at 11:00 and stays
    # the one to answer for the rest of the day (the suite runs at 07:10, 10:00, 12:30, 18:40)
    expected = "morning" if timezone.localtime().time() < time(11) else "noon"
    expect(page.locator(f"#today-slots [data-slot={expected}]")).to_contain_text("36.5")
    row = CheckIn.objects.get()
    assert (str(row.temperature), row.symptoms, row.household_symptoms, row.household_travel,
            row.submitted_as, row.slot) == ("36.5", [], False, False, "guardian", expected)


def test_it_updates_the_class_teachers_missing_list_as_check_ins_arrive(
        world, login_as, settings):
    from apps.health import services

    settings.SHAODIAN_CHECKIN_ROLL_POLL_SECONDS = 1
    page = login_as("teacher_a1")
    page.goto(page.base + "/health/class/?slot=morning")
    expect(page.locator("#missing-list")).to_contain_text("张小明")
    expect(page.locator("#count-missing")).to_have_text("2")
    services.checkin_submit(actor=world.users["guardian_a1"], person=world.persons["a1_student"],
                            slot="morning", temperature="36.6", household_symptoms=False,
                            household_travel=False, client_id="from-a-phone")
    expect(page.locator("#count-missing")).to_have_text("1", timeout=10_000)
    expect(page.locator("#missing-list")).not_to_contain_text("张小明")
    expect(page.locator("#done-list")).to_contain_text("张小明")
