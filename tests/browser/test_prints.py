"""The daily report's print page: the 打印 button on screen; under print media only the sheet
(the header with school, day, version, who submitted it and when, the figures), no menu or
buttons. The printed look is saved as docs/screenshots/daily-report-print.png."""

import os
from datetime import datetime, time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from apps.reports import services
from shaodian.testing.clock import BEIJING, SUITE_DAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_ROOT = Path(__file__).resolve().parent.parent.parent
# test-results/screenshots (untracked); SHAODIAN_UPDATE_SCREENSHOTS=1 writes docs/screenshots.
SCREENSHOTS = (_ROOT / "docs" / "screenshots" if os.environ.get("SHAODIAN_UPDATE_SCREENSHOTS")
               else _ROOT / "test-results" / "screenshots")


def test_it_prints_the_daily_report_on_a4_without_the_screens_chrome(world, clock, login_as):
    clock.move_to(datetime.combine(SUITE_DAY, time(9), BEIJING))
    school = world.schools["a"]
    services.report_submit(actor=world.users["reporter_a"], school_id=school.pk, day=SUITE_DAY)
    page = login_as("school_a_admin")
    page.goto(f"{page.base}/reports/school/{school.pk}/?day={SUITE_DAY.isoformat()}")
    page.click("#print-link")
    button = page.locator("#print-button")
    expect(button).to_be_visible()
    expect(button).to_contain_text("打印")
    expect(page.locator("#xlsx-link")).to_be_visible()
    meta = page.locator("#print-meta")
    for text in ("金水区第一中学", SUITE_DAY.isoformat(), "疫情报告人", "版本", "1", "09:00"):
        expect(meta).to_contain_text(text)

    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("#print-toolbar")).to_be_hidden()
    expect(page.locator("#print-sheet h1")).to_contain_text("日报")
    expect(page.locator("#print-figures tr[data-figure=persons]")).to_contain_text("4")
    # The table's borders and the header's rule are the print stylesheet's (A4 layout).
    assert page.evaluate("""() => getComputedStyle(
        document.querySelector('#print-figures td')).borderTopStyle""") == "solid"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.screenshot(path=str(SCREENSHOTS / "daily-report-print.png"), full_page=True)
    assert page.pdf(format="A4").startswith(b"%PDF")  # the same page, printed on A4
