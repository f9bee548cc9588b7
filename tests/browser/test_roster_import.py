"""Roster import in a real browser: a class teacher checks a file, sees the row of another
class refused, and imports the good rows only."""

import pytest
from playwright.sync_api import expect

from apps.people.models import Person
from apps.rosters.tests.files import xlsx
from apps.rosters.tests.test_services import HEADER, _student

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_class_teacher_checks_then_imports_the_good_rows(world, login_as):
    data = xlsx([HEADER, _student("A2025001", "甲", 1),
                 _student("A2025002", "乙", 3, 班级="七年级2班")])
    page = login_as("teacher_a1")
    page.click("a[href='/rosters/import/']")
    page.set_input_files("#id_file", files=[{
        "name": "名单.xlsx", "buffer": data,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.click("#import-check")
    expect(page.locator("#import-errors tbody tr")).to_have_count(1)
    expect(page.locator("#import-errors")).to_contain_text("out_of_scope")
    expect(page.locator("#import-preview tbody tr")).to_have_count(1)
    assert not Person.objects.filter(number="A2025001").exists()
    page.check("#id_valid_only")
    page.click("#import-apply")
    page.wait_for_url(page.base + "/rosters/imports/")
    expect(page.locator("#import-history")).to_contain_text("名单.xlsx")
    assert Person.objects.filter(number="A2025001").exists()
    assert not Person.objects.filter(number="A2025002").exists()
