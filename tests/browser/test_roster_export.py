"""The person list's Excel export in a real browser: it carries the filters as they are
after htmx changed them, and full numbers need a reason."""

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from apps.access.models import AccessLog
from apps.core.crypto import decrypt_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def downloaded_rows(download) -> list[list]:
    return CalamineWorkbook.from_path(download.path()).get_sheet_by_index(0).to_python()


def test_it_exports_the_list_with_the_filter_chosen_on_the_page(world, login_as):
    klass = world.classes["a_c2"]
    page = login_as("school_a_admin")
    page.goto(page.base + "/people/")
    page.select_option("#id_klass", str(klass.pk))
    expect(page.locator("#person-results .person-link")).to_have_count(1)
    with page.expect_download() as info:
        page.click("#export-people")
    rows = downloaded_rows(info.value)
    assert [row[2] for row in rows[1:]] == ["陈小刚"]
    assert rows[1][7].count("*") >= 8  # masked
    assert not AccessLog.objects.exists()


def test_it_reveals_numbers_in_the_export_only_with_a_reason(world, login_as):
    person = world.persons["a2_student"]
    page = login_as("school_a_admin")
    page.goto(page.base + "/people/")
    page.select_option("#id_klass", str(person.klass_id))
    expect(page.locator("#person-results .person-link")).to_have_count(1)
    page.check("#export-reveal")
    page.click("#export-people")  # the reason is required: the browser does not submit
    assert not AccessLog.objects.exists()
    page.fill("#export-reason", "疾控中心核对名单")
    with page.expect_download() as info:
        page.click("#export-people")
    rows = downloaded_rows(info.value)
    assert rows[1][7] == decrypt_text(person.doc_cipher)
    assert AccessLog.objects.get().action == "export_unmasked"


def test_a_large_export_shows_its_progress_then_downloads(world, login_as, settings, tmp_path):
    from apps.rosters import tasks
    from apps.rosters.models import RosterExport

    settings.ROSTER_FILES_DIR = tmp_path / "rosters"
    settings.ROSTER_EXPORT_SYNC_ROWS = 0  # every export goes to the worker
    page = login_as("school_a_admin")
    page.goto(page.base + "/people/")
    page.click("#export-people")
    expect(page.locator("#job-progress [role=progressbar]")).to_have_attribute(
        "aria-valuenow", "0")
    record = RosterExport.objects.get()
    assert tasks.run_export.call(record.pk) == "done"  # as `manage.py worker` runs it
    expect(page.locator("#export-ready")).to_be_visible()  # the page reloaded by itself
    expect(page.locator("#job-progress")).to_have_count(0)
    with page.expect_download() as info:
        page.click("#export-download")
    rows = downloaded_rows(info.value)
    assert len(rows) - 1 == RosterExport.objects.get().rows > 0
    assert not AccessLog.objects.exists()  # masked: nothing to log
