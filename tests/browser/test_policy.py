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


def test_it_lets_the_province_admin_schedule_a_switch_and_cancel_it(world, login_as,
                                                                     click_menu):
    from datetime import timedelta

    from django.utils import timezone

    from apps.policy.selectors import pack_get

    version = pack_get("henan-2022").version
    page = login_as("province")
    click_menu(page, "/policy/")
    page.click("#choose-link")
    page.check(f"input[value='henan-2022@{version}']")
    when = timezone.localtime(timezone.now() + timedelta(days=1))
    page.fill("#id_effective_from", when.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_reason", "明日起执行两触发")
    page.click("#choose-submit")
    expect(page.locator("#choose-confirmation")).to_contain_text("所学校")  # first: its reach
    page.click("#choose-confirm")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#scheduled-switch")).to_contain_text("henan-2022")
    expect(page.locator("#scheduled-switch")).to_contain_text(when.strftime("%Y-%m-%d %H:%M"))
    expect(page.locator("#active-pack-id")).to_have_text("routine")  # until then

    page.click("#switch-cancel")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#scheduled-switch")).to_have_count(0)
    expect(page.locator("#switch-history")).to_contain_text("明日起执行两触发")
