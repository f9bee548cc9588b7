"""A school admin opens the school's effective policy and tightens a parameter in a real
browser: the value, where it came from, and a refused loosening shown on the field."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_lets_a_school_admin_tighten_a_parameter(world, login_as, click_menu):
    school = world.schools["a"]
    page = login_as("school_a_admin")
    click_menu(page, "/policy/")
    page.click(f"#school-list >> text={school.name}")
    row = page.locator("#param-fever_threshold_celsius")
    expect(row.locator(".param-from")).to_contain_text("包")

    page.select_option("#id_param", "fever_threshold_celsius")
    page.fill("#id_value", "38.5")
    page.fill("#id_reason", "试一试放宽")
    page.click("#tighten-submit")
    expect(page.locator("#tighten-form .invalid-feedback")).to_contain_text("放宽")

    page.select_option("#id_param", "fever_threshold_celsius")
    page.fill("#id_value", "37.0")
    page.fill("#id_reason", "低龄学生多")
    page.click("#tighten-submit")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(row.locator(".param-value")).to_contain_text("37.0")
    expect(row.locator(".param-from")).to_contain_text(school.name)
    expect(row.locator(".param-from")).to_contain_text("低龄学生多")
