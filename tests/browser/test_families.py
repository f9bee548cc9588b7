"""A guardian bound with a printed code, in a real browser: the class teacher prints the
class's codes, a guardian signs up on a phone with one, the teacher confirms from the home
page, and the guardian sees the child and submits the check-in of the moment."""

from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.health.models import CheckIn
from apps.people.models import Guardianship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _print_code(page, click_menu, world) -> str:
    click_menu(page, "/families/codes/")
    page.select_option("#id_klass", str(world.classes["a_c1"].pk))
    page.click("#codes-issue")
    expect(page.locator(".slip")).to_have_count(2)
    slip = page.locator(f".slip[data-person='{world.persons['a1_student2'].pk}']")
    expect(slip.locator(".slip-name")).to_have_text("刘小红")
    expect(slip.locator(".slip-qr svg")).to_be_visible()
    return slip.locator(".code").inner_text()


def _sign_up(page, code: str) -> None:
    page.goto(page.base + "/login/")
    page.click("#guardian-signup")
    page.fill("#id_code", code.lower().replace("-", " "))  # as a parent might type it
    page.fill("#id_phone", "13912340001")
    page.fill("#id_name", "刘妈妈")
    page.fill("#id_relation", "母亲")
    page.fill("#id_password", "Liu-2026-pass")
    page.click("#signup-submit")
    page.wait_for_url(page.base + "/families/mine/")
    expect(page.locator("#my-requests [data-state=pending]")).to_contain_text("刘小红")
    expect(page.locator("#children")).not_to_contain_text("刘小红")


def test_it_binds_a_guardian_with_a_printed_code_who_then_checks_in(
        world, login_as, open_page, click_menu, assets_loaded):
    teacher = login_as("teacher_a1")
    code = _print_code(teacher, click_menu, world)
    guardian = open_page(viewport=PHONE)
    _sign_up(guardian, code)
    assert assets_loaded(guardian)
    teacher.goto(teacher.base + "/")
    expect(teacher.locator("#pending-bindings")).to_contain_text("1")
    teacher.click("#pending-bindings a")
    row = teacher.locator("#pending-list [data-binding]")
    expect(row).to_contain_text("刘妈妈")
    expect(row).to_contain_text("刘小红")
    row.locator("button.confirm").click()
    expect(teacher.locator("#pending-list")).not_to_contain_text("刘妈妈")
    assert Guardianship.objects.filter(user__username="13912340001").count() == 1
    guardian.reload()
    expect(guardian.locator("#children")).to_contain_text("刘小红")
    guardian.locator("#children a[href='/health/']").click()
    expect(guardian.locator("#checkin-person")).to_have_text("刘小红")
    guardian.fill("#id_temperature", "36.6")
    guardian.click("#healthy")
    expect(guardian.locator(".alert-success")).to_contain_text("36.6")
    # the check of the moment: morning before 11:00, then a day student's noon check
    expected = "morning" if timezone.localtime().time() < time(11) else "noon"
    expect(guardian.locator(f"#today-slots [data-slot={expected}]")).to_contain_text("36.6")
    row = CheckIn.objects.get()
    assert (row.person_id, row.submitted_as, row.slot) == (
        world.persons["a1_student2"].pk, "guardian", expected)
