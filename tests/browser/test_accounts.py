"""Staff accounts in a real browser: the school admin makes the school's staff accounts
with one click and gets the activation sheet, grouped by class; a teacher activates with
the printed code, is led to choose a password before anything else, then signs in with it
and sees the class the roster named."""

import pytest
from playwright.sync_api import expect

from shaodian.testing.world import _person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Zhou-2026-spring"
USERNAME = "4101050001-t020"


def _roster(world):
    from apps.orgs.models import SchoolClass

    klass = SchoolClass.objects.create(school=world.schools["a"], unit=world.units["a_grade"],
                                       name="七年级3班")
    _person(world, "t020", world.schools["a"], "staff", "T020", "周老师", teaches_class=klass,
            unit=world.units["a_grade"], seq=31)
    _person(world, "t021", world.schools["a"], "staff", "T021", "冯老师",
            unit=world.units["a_office"], seq=32)


def _print_sheet(page, click_menu) -> str:
    click_menu(page, "/accounts/")
    expect(page.locator("#accounts-title")).to_contain_text("金水区第一中学")
    page.click("#create-accounts")
    groups = page.locator("#slips section.group")
    expect(groups).to_have_count(2)
    expect(groups.nth(0)).to_have_attribute("data-place", "七年级3班")
    slip = groups.nth(0).locator(".slip")
    expect(slip.locator(".slip-username")).to_have_text(USERNAME)
    expect(slip.locator(".slip-name")).to_have_text("周老师")
    return slip.locator(".code").inner_text()


def test_a_teacher_activates_a_printed_code_and_sees_their_class(
        world, login_as, open_page, click_menu, assets_loaded):
    _roster(world)
    admin = login_as("school_a_admin")
    code = _print_sheet(admin, click_menu)
    teacher = open_page()
    teacher.goto(teacher.base + "/login/")
    teacher.click("#staff-activate")
    teacher.fill("#id_username", USERNAME)
    teacher.fill("#id_code", "WRONG-CODE-XXX")
    teacher.click("#activate-submit")
    expect(teacher.locator("#field-code")).to_contain_text("激活码")
    teacher.fill("#id_code", code.lower())
    teacher.click("#activate-submit")
    teacher.wait_for_url(teacher.base + "/accounts/password/")
    expect(teacher.locator("#password-forced")).to_be_visible()
    teacher.goto(teacher.base + "/")  # any page leads back until a password is chosen
    expect(teacher.locator("#password-forced")).to_be_visible()
    teacher.fill("#id_new_password1", NEW_PASSWORD)
    teacher.fill("#id_new_password2", NEW_PASSWORD)
    teacher.click("#password-submit")
    teacher.wait_for_url(teacher.base + "/")
    again = open_page()
    again.goto(again.base + "/login/")
    again.fill("#id_username", USERNAME)
    again.fill("#id_password", NEW_PASSWORD)
    again.click("#login-submit")
    again.wait_for_url(again.base + "/")
    assert assets_loaded(again)
    expect(again.locator("main")).to_contain_text("七年级3班")
