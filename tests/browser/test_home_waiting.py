"""The school admin's home page answers the first question of an emergency: which trigger is
waiting, with its 30-minute clock running, and which cluster alert waits for a report."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from apps.emergency.models import SchoolTrigger

# test-results/screenshots (untracked); SHAODIAN_UPDATE_SCREENSHOTS=1 writes docs/screenshots,
# where the README shows this page.
_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = (_ROOT / "docs" / "screenshots" if os.environ.get("SHAODIAN_UPDATE_SCREENSHOTS")
               else _ROOT / "test-results" / "screenshots")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_school_home_shows_its_pending_trigger_counting_down(henan, login_as):
    from apps.emergency.tests.test_triggers import fire

    fire(henan)
    trigger = SchoolTrigger.objects.get(school=henan.schools["a"])
    page = login_as("school_a_admin")
    row = page.locator(f'#pending-triggers [data-trigger="{trigger.pk}"]')
    expect(row).to_contain_text("上海市浦东新区")
    expect(row.locator(".trigger-clock")).to_contain_text("剩余 29:")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "school_admin_trigger.png"), full_page=True)
    row.locator("a").click()
    page.wait_for_url(f"**/emergency/triggers/{trigger.pk}/")
    page.goto(page.base + "/emergency/triggers/")  # the list counts down too
    expect(page.locator(".trigger-clock").first).to_contain_text("剩余 29:")
