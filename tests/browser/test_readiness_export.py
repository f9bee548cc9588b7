"""The schools' emergency readiness as a workbook, in a real browser: the province admin asks
for it, the page shows the worker's progress (from what the worker committed) and, once it
is written, the download; the print page, cut short, says so and leads to the same job."""

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from apps.access.models import AccessLog
from apps.reports import tasks
from apps.reports.models import ExportJob, ExportState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_province_sees_the_workbook_written_then_downloads_it(world, login_as,
                                                                   assets_loaded, monkeypatch):
    from apps.emergency import readiness

    page = login_as("province")
    page.goto(page.base + "/emergency/plans/")
    page.click("#readiness-xlsx")
    bar = page.locator("#export-progress")
    expect(bar).to_have_attribute("data-state", "queued")
    assert assets_loaded(page)
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.RUNNING, done=1, total=2)
    expect(bar.locator("[role=progressbar]")).to_have_attribute("aria-valuenow", "50")
    expect(bar.locator(".progress-count")).to_contain_text("1 / 2")
    monkeypatch.setattr(readiness, "PRINT_LIMIT", 1)
    print_page = page.context.new_page()
    print_page.goto(page.base + "/emergency/plans/readiness/print/")
    expect(print_page.locator("#print-cut")).to_contain_text("仅打印前 1 所学校（共 2 所）")
    print_page.click("#print-cut-xlsx")  # the workbook being written: the same job
    expect(print_page.locator("#export-progress")).to_have_attribute("data-state", "running")
    assert ExportJob.objects.count() == 1
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.QUEUED)
    assert tasks.run_export.call(job.pk) == "done"  # as `manage.py worker` runs it
    expect(bar).to_have_attribute("data-state", "done")
    expect(bar.locator("[role=progressbar]")).to_have_attribute("aria-valuenow", "100")
    with page.expect_download() as info:
        bar.locator(".progress-result").click()
    rows = CalamineWorkbook.from_path(info.value.path()).get_sheet_by_name("应急准备").to_python()
    names = {row[1] for row in rows}
    assert {world.schools["a"].name, world.schools["b"].name} <= names
    assert [log.action for log in AccessLog.objects.order_by("at")] == [
        "print_list", "export_list"]
