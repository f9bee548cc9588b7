"""A province admin sets up a new county in a real browser, without the Django admin: its
bureau, a school with a grade and a class, a designated hospital with its liaison, and the
school paired with it from the readiness list (htmx answers the row in place)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def guancheng(world):
    from apps.regions.models import Region

    Region.objects.create(code="410104", name="管城回族区", level="county", parent_id="410100",
                          full_name="河南省郑州市管城回族区")
    return world


def save(page):
    page.click("#orgs-submit")
    expect(page.locator(".alert-success")).to_be_visible()


@pytest.fixture
def go(click_menu):
    """Follow a menu link once the page's scripts have run: a dropdown toggled before
    Bootstrap's script has loaded does not open."""

    def _go(page, href: str) -> None:
        page.wait_for_load_state("load")
        click_menu(page, href)

    return _go


def test_it_sets_up_a_county_from_bureau_to_paired_school(guancheng, login_as, go):
    from apps.orgs.models import School

    page = login_as("province")
    go(page, "/setup/bureaus/")
    page.click("#bureau-new")
    page.fill("#id_name", "管城回族区教育局")
    page.select_option("#id_level", "county")
    page.fill("#id_region_code", "410104")
    page.select_option("#id_parent", label="郑州市教育局")
    save(page)
    expect(page.locator("#bureaus tr[data-region='410104']")).to_contain_text("管城回族区教育局")

    go(page, "/setup/schools/")
    page.click("#school-new")
    page.fill("#id_name", "管城回族区第一小学")
    page.fill("#id_code", "4101040001")
    page.select_option("#id_kind", "primary")
    page.select_option("#id_boarding", "day")
    page.select_option("#id_bureau", label="管城回族区教育局")
    page.fill("#id_region_code", "410199")  # not a region: refused on its field
    page.click("#orgs-submit")
    expect(page.locator("#orgs-form .invalid-feedback")).to_contain_text("410199")
    page.fill("#id_region_code", "410104")
    save(page)
    expect(page.locator("#school-name")).to_contain_text("管城回族区第一小学")

    page.click("#unit-new")
    page.fill("#id_name", "一年级")
    page.select_option("#id_kind", "grade")
    save(page)
    page.click("#class-new")
    page.fill("#id_name", "一年级1班")
    page.select_option("#id_unit", label="一年级")
    save(page)
    expect(page.locator("#classes")).to_contain_text("一年级1班")
    expect(page.locator("#classes")).to_contain_text("2026–2027")

    go(page, "/setup/hospitals/")
    page.click("#hospital-new")
    page.fill("#id_name", "管城回族区人民医院")
    page.fill("#id_region_code", "410104")
    page.fill("#id_phone", "0371-66661234")
    save(page)
    page.fill("#contact-add #id_name", "赵医生")
    page.fill("#contact-add #id_role", "联络员")
    page.fill("#contact-add #id_phone", "13912340000")
    page.click("#contact-submit")
    expect(page.locator("#contacts")).to_contain_text("赵医生")

    school = School.objects.get(code="4101040001")
    go(page, "/setup/readiness/")
    row = page.locator(f"#ready-{school.pk}")
    row.locator("select").select_option(label="管城回族区人民医院 · 管城回族区")
    row.locator("button").click()
    expect(page.locator(f"[data-paired='{school.pk}']")).to_contain_text("管城回族区人民医院")
    assert School.objects.get(pk=school.pk).hospital.name == "管城回族区人民医院"


def test_a_school_admin_rolls_the_school_over_to_the_next_year(world, login_as, go):
    from apps.orgs.models import SchoolClass
    from apps.schoolyear.services import next_school_year

    page = login_as("school_a_admin")
    go(page, "/setup/rollover/")
    expect(page.locator("#rollover-schools")).to_contain_text("七年级 → 八年级")
    expect(page.locator("#rollover-totals")).to_contain_text("新开 2 个班级")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#rollover-apply")
    expect(page.locator(".alert-success")).to_contain_text("1 所学校已进入")
    expect(page.locator("#rollover-schools")).to_contain_text("已完成")
    expect(page.locator("#rollover-apply")).to_have_count(0)
    klass = SchoolClass.objects.get(pk=world.classes["a_c1"].pk)
    assert (klass.name, klass.school_year) == ("八年级1班", next_school_year())
