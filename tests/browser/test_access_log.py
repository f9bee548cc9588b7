"""A school admin reads who looked at what in their school, from the menu, filters it and
takes it away as Excel."""

import pytest
from playwright.sync_api import expect

from apps.access.audit import access_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_lets_a_school_admin_filter_the_access_log_and_export_it(world, login_as,
                                                                     click_menu):
    person = world.persons["a1_student"]
    access_record(user=world.users["school_a_admin"], action="reveal_document", obj=person,
                  fields="doc_number", reason="核对学籍")
    access_record(user=world.users["teacher_a1"], action="view_travel", obj=person,
                  fields="trips,exposures")
    access_record(user=world.users["school_b_admin"], action="reveal_document",
                  obj=world.persons["b1_student"], fields="doc_number", reason="另一所学校")
    page = login_as("school_a_admin")
    click_menu(page, "/access-log/")
    expect(page.locator("h1")).to_have_text("访问记录")
    expect(page.locator("#log-table tbody tr")).to_have_count(2)
    expect(page.locator("#log-table")).not_to_contain_text("另一所学校")
    page.select_option("#id_action", "view_travel")
    page.click("#log-filter")
    expect(page.locator("#log-table tbody tr")).to_have_count(1)
    expect(page.locator("#log-table tbody tr")).to_contain_text("查看行程信息")
    with page.expect_download() as download:
        page.click("#log-export")
    assert download.value.suggested_filename.startswith("access-log-")
