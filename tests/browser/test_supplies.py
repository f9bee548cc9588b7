"""Supplies in a real browser: the school's epidemic office counts its masks (plenty by the
norm), records a large use, and the masks fall below the 7 days henan-2022 asks: flagged on
the school's page and home, with the chart of cover over time; the county bureau sees the
school on its list with the shortfall, and on its home."""

import pytest
from playwright.sync_api import expect

from apps.people.headcounts import headcounts_refresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _record(page, kind: str, quantity: int) -> None:
    page.select_option("#id_item", "masks")
    page.select_option("#id_kind", kind)
    page.fill("#id_quantity", str(quantity))
    page.click("#movement-save")
    expect(page.locator(".alert-success")).to_be_visible()


def test_a_school_short_of_masks_is_flagged_to_itself_and_its_bureau(
        henan, login_as, assets_loaded, click_menu):
    headcounts_refresh()
    school = henan.schools["a"]
    office = login_as("school_a_admin")
    click_menu(office, "/supplies/")
    office.click(f"#supplies-schools a[href='/supplies/schools/{school.pk}/']")
    assert assets_loaded(office)
    masks = office.locator("#cover-table tr[data-item='masks']")
    _record(office, "counted", 1000)
    expect(masks.locator(".stock")).to_contain_text("1000")
    expect(masks).not_to_have_class("cover-row table-danger")
    _record(office, "used", 900)
    expect(masks).to_have_class("cover-row table-danger")
    expect(masks.locator(".shortfall")).not_to_have_text("—")
    expect(office.locator("#below-alert")).to_be_visible()
    expect(office.locator("#ledger .ledger-row")).to_have_count(2)
    office.wait_for_function("() => Chart.getChart('chart-cover') !== undefined")
    office.goto(office.base + "/")
    expect(office.locator("#supplies-short .supplies-short-item[data-item='masks']")
           ).to_be_visible()

    bureau = login_as("jinshui_bureau")
    expect(bureau.locator("#supplies-schools-below")).to_be_visible()
    bureau.click("#supplies-schools-below a")
    rows = bureau.locator(f"#below-list tr.below-school[data-school='{school.pk}']")
    expect(rows.first).to_be_visible()
    expect(bureau.locator("#below-list tr.below-school")).to_have_count(rows.count())
    expect(bureau.locator("#below-count")).to_have_text("1")
