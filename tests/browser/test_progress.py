"""Long work the worker runs shows a bar that moves to done without a reload
(apps.core.progress): a case report's fan-out to its schools and a switch of the province's
pack, which first says how many schools it reaches. The test thread plays the worker
(shaodian.testing.worker), step by step, while the page polls."""

import pytest
from playwright.sync_api import expect

from apps.orgs.models import School
from shaodian.testing import worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def play_the_worker(page, bar, task_path: str) -> None:
    """Queued, then running once the worker claims the task, then done once it finished:
    each seen by the page's own polling, the page never reloaded."""
    expect(bar).to_have_attribute("data-state", "queued")
    page.evaluate("window.notReloaded = true")
    record = worker.claim(task_path)
    expect(bar).to_have_attribute("data-state", "running")
    worker.finish(record)
    expect(bar).to_have_attribute("data-state", "done")
    assert page.evaluate("window.notReloaded") is True  # the bar moved, the page stayed


def test_a_case_reports_fan_out_moves_to_its_schools_without_a_reload(henan, login_as,
                                                                       db_tasks):
    page = login_as("province")
    page.goto(page.base + "/emergency/reports/")
    page.fill("#id_region", "上海市浦东新区")
    page.fill("#id_cases", "2")
    page.fill("#id_source", "上海市卫健委通报")
    page.click("#report-submit")
    page.click("#report-confirm")
    bar = page.locator("#report-progress")
    play_the_worker(page, bar, "apps.emergency.tasks.fire_alert")
    expect(bar).to_contain_text("已触达 2 所学校")
    page.click("#report-progress .progress-result")
    expect(page.locator("#alert-schools")).to_be_visible()


def test_a_pack_switch_says_its_reach_then_its_recompute_moves_to_done(world, login_as,
                                                                       db_tasks):
    from apps.policy.selectors import pack_get

    schools = School.objects.filter(province_code="410000").count()
    page = login_as("province")
    page.goto(page.base + "/policy/choose/")
    page.check(f"input[value='henan-2022@{pack_get('henan-2022').version}']")
    page.fill("#id_reason", "即日起执行两触发")
    page.click("#choose-submit")
    expect(page.locator("#choose-confirmation")).to_contain_text(f"触达 {schools} 所学校")
    page.click("#choose-confirm")
    bar = page.locator("#switch-progress")
    play_the_worker(page, bar, "apps.status.tasks.recompute_for_pack_choice")
    expect(bar).to_contain_text(f"已在 {schools} 所学校生效")
