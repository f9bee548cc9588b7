"""Roster import in a real browser: a class teacher checks a file, sees the row of another
class refused, and imports the good rows only; a large file is checked and imported by the
worker while the page shows a progress bar that reaches the result."""

import pytest
from playwright.sync_api import expect

from apps.people.models import Person
from apps.rosters import tasks
from apps.rosters.files import Progress
from apps.rosters.models import RosterImport
from apps.rosters.tests.files import xlsx
from apps.rosters.tests.test_services import HEADER, _student

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def roster_files(settings, tmp_path):
    settings.ROSTER_FILES_DIR = tmp_path / "rosters"


def _upload(page, data):
    page.goto(page.base + "/rosters/import/")  # the menu entry: apps/rosters/tests/test_views
    page.set_input_files("#id_file", files=[{"name": "名单.xlsx", "buffer": data,
                                             "mimeType": XLSX}])
    page.click("#import-check")


def test_a_class_teacher_checks_then_imports_the_good_rows(world, login_as):
    data = xlsx([HEADER, _student("A2025001", "甲", 1),
                 _student("A2025002", "乙", 3, 班级="七年级2班")])
    page = login_as("teacher_a1")
    _upload(page, data)
    expect(page.locator("#import-errors tbody tr")).to_have_count(1)
    error = page.locator("#import-errors tbody td[data-reason]")
    expect(error).to_have_attribute("data-reason", "out_of_scope")
    expect(error).to_contain_text("您无权向此班级或部门导入人员。")
    expect(page.locator("#import-errors")).not_to_contain_text("out_of_scope")  # no code
    expect(page.locator("#import-preview tbody tr")).to_have_count(1)
    assert not Person.objects.filter(number="A2025001").exists()
    page.check("#id_valid_only")
    page.click("#import-apply")
    page.wait_for_url(page.base + "/rosters/imports/")
    expect(page.locator("#import-history")).to_contain_text("名单.xlsx")
    assert Person.objects.filter(number="A2025001").exists()
    assert not Person.objects.filter(number="A2025002").exists()


def test_a_large_file_shows_its_progress_until_it_is_imported(world, login_as, settings):
    settings.ROSTER_SYNC_MAX_BYTES = 0  # every file goes to the worker
    data = xlsx([HEADER, *(_student(f"A2025{n:03d}", f"学生{n}", n) for n in range(1, 5))])
    page = login_as("school_a_admin")
    _upload(page, data)
    bar = page.locator("#job-progress [role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    record = RosterImport.objects.get()
    Progress(f"import-{record.pk}", "check", 4).write(2)  # the worker's report half-way
    expect(bar).to_have_attribute("aria-valuenow", "50")
    expect(page.locator("#job-progress .progress-count")).to_contain_text("2 / 4")
    assert tasks.check_import.call(record.pk) == "checked"  # as `manage.py worker` runs it
    expect(page.locator("#import-summary")).to_be_visible()  # the page reloaded by itself
    expect(page.locator("#job-progress")).to_have_count(0)
    expect(page.locator("#import-preview tbody tr")).to_have_count(4)
    page.click("#import-apply")
    expect(page.locator("#job-progress [role=progressbar]")).to_be_visible()
    assert not Person.objects.filter(number="A2025001").exists()
    assert tasks.apply_import.call(record.pk) == "applied"
    expect(page.locator("#job-progress")).to_have_count(0)
    expect(page.locator("#import-status")).to_have_text("已导入")
    assert Person.objects.filter(number__startswith="A2025").count() == 4


def test_a_school_admin_imports_a_new_grade_with_its_classes(world, login_as):
    from apps.orgs.models import SchoolClass
    from apps.rosters.tests.test_places import HEADER as PLACES_HEADER
    from apps.rosters.tests.test_places import _row

    data = xlsx([PLACES_HEADER, _row(1, "八年级1班"), _row(2, "八年级2班")])
    page = login_as("school_a_admin")
    page.goto(page.base + "/rosters/import/")
    page.set_input_files("#id_file", files=[{"name": "名单.xlsx", "buffer": data,
                                             "mimeType": XLSX}])
    page.check("#id_create_places")
    page.click("#import-check")
    expect(page.locator("#import-places")).to_contain_text("导入时将新建")
    expect(page.locator("#import-places")).to_contain_text("八年级2班 (八年级)")
    assert not SchoolClass.objects.filter(name="八年级1班").exists()
    page.click("#import-apply")
    page.wait_for_url(page.base + "/rosters/imports/")
    assert SchoolClass.objects.get(name="八年级2班").unit.name == "八年级"
    assert Person.objects.get(number="A2026002").klass.name == "八年级2班"


def test_a_class_teacher_is_not_offered_to_create_classes(world, login_as):
    page = login_as("teacher_a1")
    page.goto(page.base + "/rosters/import/")
    expect(page.locator("#import-form")).to_be_visible()
    expect(page.locator("#id_create_places")).to_have_count(0)
