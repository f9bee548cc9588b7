"""A school admin builds the task force, schedules and starts a drill, ticks two tasks on
the checklist (htmx, no reload) and sees the drill's timings and the comparison chart."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_runs_a_drill_from_task_force_to_timings(world, login_as, assets_loaded, click_menu):
    page = login_as("school_a_admin")
    assert assets_loaded(page)
    click_menu(page, "/emergency/plans/")
    expect(page.locator("#designated-hospital")).to_contain_text("金水区人民医院")

    page.click("#plan-tabs >> text=应急专班")
    page.select_option("#id_in-user", label="一中防疫办")
    page.select_option("#id_in-duty", "leader")
    page.check("#id_in-lead")
    page.click("#add-internal-submit")
    page.select_option("#id_in-user", label="王老师")
    page.select_option("#id_in-duty", "deputy")
    page.click("#add-internal-submit")
    page.fill("#id_out-name", "刘医生")
    page.fill("#id_out-organisation", "金水区疾控中心")
    page.fill("#id_out-phone", "0371-6655 1234")
    page.click("#add-external-submit")
    table = page.locator("#task-force")
    expect(table).to_contain_text("一中防疫办")
    expect(table).to_contain_text("组长")
    expect(table).to_contain_text("037166551234")
    expect(table.locator("tbody tr")).to_have_count(3)

    page.click("#plan-tabs >> text=应急演练")
    page.fill("#id_scenario", "上课期间本区报告本土病例")
    page.fill("#id_scheduled_for", "2026-12-01T09:30")
    page.click("#drill-schedule-submit")
    page.click("#drill-table >> text=上课期间本区报告本土病例")
    page.click("#drill-start")

    expect(page.locator("#run-drill")).to_be_visible()
    rows = page.locator("#run-tasks .task-row")
    first = rows.nth(0)
    expect(first).to_contain_text("组长召集应急专班到岗")
    expect(first).to_contain_text("一中防疫办")
    url_before = page.url
    first.locator("input[name=note]").fill("专班已到岗")
    first.locator(".task-tick").click()
    expect(page.locator("#run-tasks .task-row").nth(0)).to_have_attribute("data-state", "done")
    page.locator("#run-tasks .task-row").nth(1).locator(".task-tick").click()
    expect(page.locator("#run-tasks .task-row").nth(1)).to_have_attribute("data-state", "done")
    assert page.url == url_before  # ticked in place by htmx
    expect(page.locator("#run-progress")).to_contain_text(re.compile(r"已完成 2 / \d+"))

    page.click("text=该演练")
    expect(page.locator("#timing-ack")).to_contain_text("分钟")  # the first step acknowledges
    expect(page.locator("#timing-first")).to_contain_text("分钟")
    expect(page.locator("#timing-tasks")).to_contain_text(re.compile(r"^2 / \d+$"))
    page.fill("#id_participants", "12")
    page.fill("#id_findings", "疾控联络人未到位")
    page.click("#drill-finish-submit")
    expect(page.locator("#drill-findings")).to_contain_text("疾控联络人未到位")

    page.click("#plan-tabs >> text=应急演练")
    expect(page.locator("#drill-table")).to_contain_text("已结束")
    page.wait_for_function("() => typeof Chart === 'function' && "
                           "Chart.getChart(document.getElementById('chart-drills'))")
