"""A province starts from nothing but its first account (`manage.py bootstrap_province`) and,
in a real browser and without the Django admin, gets to a guardian's morning check-in that
the class teacher sees: the province admin makes a county bureau and its admin's account;
the county makes a school with two classes and its admin's account; the school imports its
staff and students, makes the staff accounts from the roster and appoints a class teacher,
the teacher prints binding codes, a guardian signs up with one, the teacher
confirms, the guardian checks in.

The clock is set to 07:30 on the suite's day, so the check-in is the morning one whatever
hour the suite runs at."""

from datetime import datetime, time

import pytest
from django.test import Client
from playwright.sync_api import expect

from apps.health.models import CheckIn
from apps.orgs.services.bootstrap import province_bootstrap
from apps.rosters.tests.files import xlsx
from shaodian.testing.clock import BEIJING, SUITE_DAY
from shaodian.testing.world import PASSWORD, ensure_regions, make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "Shaodian-2026-new"


@pytest.fixture(autouse=True)
def roster_files(settings, tmp_path):
    settings.ROSTER_FILES_DIR = tmp_path / "rosters"


@pytest.fixture
def empty_province(db, clock):
    clock.move_to(datetime.combine(SUITE_DAY, time(7, 30), BEIJING))
    ensure_regions()
    province_bootstrap(region_code="410000", name="河南省教育厅", username="ha-admin",
                       password=PASSWORD)
    Client().get("/login/")  # the URLs and templates loaded before the browser's first page


def _saved(page, button="#orgs-submit"):
    page.click(button)
    expect(page.locator(".alert-success").first).to_be_visible()


def _new_account(page, username: str, name: str) -> str:
    page.goto(page.base + "/accounts/new/")
    page.fill("#id_username", username)
    page.fill("#id_display_name", name)
    page.click("#account-new-submit")
    expect(page.locator(".slip-username")).to_have_text(username)
    return page.locator(".slip .code").inner_text()


def _appoint(page, bureau_pk: int, role: str, username: str, field: str, label: str):
    page.goto(page.base + f"/roles/bureaus/{bureau_pk}/")
    page.select_option("#id_role", role)
    page.fill("#id_username", username)
    page.select_option(f"#id_{field}", label=label)
    _saved(page, "#grant-submit")


def _activate(open_page, username: str, code: str):
    page = open_page()
    page.goto(page.base + "/login/")
    page.click("#staff-activate")
    page.fill("#id_username", username)
    page.fill("#id_code", code)
    page.click("#activate-submit")
    page.wait_for_url(page.base + "/accounts/password/")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("#password-submit")
    page.wait_for_url(page.base + "/")
    return page


def _county(login_as) -> str:
    from apps.orgs.models import Bureau

    page = login_as("ha-admin")
    page.goto(page.base + "/setup/bureaus/")
    page.click("#bureau-new")
    page.fill("#id_name", "金水区教育局")
    page.select_option("#id_level", "county")
    page.fill("#id_region_code", "410105")
    page.select_option("#id_parent", label="河南省教育厅")
    _saved(page)
    code = _new_account(page, "js-admin", "金水区防疫专班")
    county = Bureau.objects.get(region_id="410105")
    _appoint(page, county.pk, "bureau_admin", "js-admin", "bureau", "金水区教育局")
    return code


def _school(page) -> None:
    page.goto(page.base + "/setup/schools/")
    page.click("#school-new")
    page.fill("#id_name", "金水区第九中学")
    page.fill("#id_code", "4101050009")
    page.select_option("#id_kind", "junior")
    page.select_option("#id_boarding", "day")
    page.fill("#id_region_code", "410105")
    _saved(page)
    page.click("#unit-new")
    page.fill("#id_name", "七年级")
    page.select_option("#id_kind", "grade")
    _saved(page)
    for name in ("七年级1班", "七年级2班"):
        page.click("#class-new")
        page.fill("#id_name", name)
        page.select_option("#id_unit", label="七年级")
        _saved(page)
    expect(page.locator("#classes")).to_contain_text("七年级2班")


def _import(page, kind: str, rows: list[list]) -> None:
    page.goto(page.base + "/rosters/import/")
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", files=[{"name": f"{kind}.xlsx", "buffer": xlsx(rows),
                                             "mimeType": XLSX}])
    page.click("#import-check")
    expect(page.locator("#import-preview tbody tr")).to_have_count(len(rows) - 1)
    page.click("#import-apply")
    page.wait_for_url(page.base + "/rosters/imports/")


def _rosters(page) -> None:
    born_staff, born_child = datetime(1985, 6, 1).date(), datetime(2013, 3, 1).date()
    _import(page, "staff", [
        ["工号", "姓名", "性别", "身份证号", "部门", "手机"],
        ["T001", "王老师", "女", make_id_number("410105", born_staff, 2), "七年级",
         "13800138001"]])
    _import(page, "student", [
        ["学号", "姓名", "性别", "出生日期", "身份证号", "班级", "住宿"],
        ["S001", "张小明", "男", "2013-03-01", make_id_number("410105", born_child, 3),
         "七年级1班", "走读"],
        ["S002", "李小红", "女", "2013-03-01", make_id_number("410105", born_child, 4),
         "七年级2班", "走读"]])


def _teacher_code(page, school_pk: int) -> str:
    """The staff accounts made from the roster, then the class given its teacher."""
    page.goto(page.base + "/accounts/")
    page.click("#create-accounts")
    slip = page.locator("#slips .slip")
    expect(slip).to_have_count(1)
    expect(slip.locator(".slip-username")).to_have_text("4101050009-t001")
    code = slip.locator(".code").inner_text()
    page.goto(page.base + f"/roles/schools/{school_pk}/")
    page.select_option("#id_role", "class_teacher")
    page.select_option("#id_user", label="王老师")
    page.select_option("#id_klass", label="七年级1班")
    _saved(page, "#grant-submit")
    return code


def _bind(teacher, guardian) -> None:
    teacher.goto(teacher.base + "/families/codes/")
    teacher.select_option("#id_klass", label="七年级1班")
    teacher.click("#codes-issue")
    slip = teacher.locator(".slip")
    expect(slip).to_have_count(1)
    expect(slip.locator(".slip-name")).to_have_text("张小明")
    code = slip.locator(".code").inner_text()
    guardian.goto(guardian.base + "/login/")
    guardian.click("#guardian-signup")
    guardian.fill("#id_code", code)
    guardian.fill("#id_phone", "13912340009")
    guardian.fill("#id_name", "张妈妈")
    guardian.fill("#id_relation", "母亲")
    guardian.fill("#id_password", "Zhang-2026-pass")
    guardian.check("#id_consent")  # the child is 13: a guardian's consent is taken at binding
    guardian.click("#signup-submit")
    guardian.wait_for_url(guardian.base + "/families/mine/")
    teacher.goto(teacher.base + "/families/pending/")
    row = teacher.locator("#pending-list [data-binding]")
    expect(row).to_contain_text("张妈妈")
    row.locator("button.confirm").click()
    expect(teacher.locator("#pending-list")).not_to_contain_text("张妈妈")


def test_a_province_goes_from_its_first_account_to_a_guardians_check_in(
        empty_province, login_as, open_page):
    from apps.orgs.models import School

    county = _activate(open_page, "js-admin", _county(login_as))
    _school(county)
    principal_code = _new_account(county, "js9-admin", "九中防疫办")
    school = School.objects.get(code="4101050009")
    _appoint(county, school.bureau_id, "school_admin", "js9-admin", "school", "金水区第九中学")

    principal = _activate(open_page, "js9-admin", principal_code)
    _rosters(principal)
    teacher = _activate(open_page, "4101050009-t001", _teacher_code(principal, school.pk))
    expect(teacher.locator("main")).to_contain_text("七年级1班")

    guardian = open_page(viewport=PHONE)
    _bind(teacher, guardian)
    guardian.goto(guardian.base + "/health/")
    expect(guardian.locator("#checkin-person")).to_have_text("张小明")
    guardian.fill("#id_temperature", "36.6")
    guardian.click("#healthy")
    expect(guardian.locator("#today-slots [data-slot=morning]")).to_contain_text("36.6")

    teacher.goto(teacher.base + "/health/class/?slot=morning")
    expect(teacher.locator("#done-list")).to_contain_text("张小明")
    expect(teacher.locator("#done-list")).to_contain_text("36.6")
    row = CheckIn.objects.get()
    assert (row.submitted_as, row.slot, row.school_id) == ("guardian", "morning", school.pk)
