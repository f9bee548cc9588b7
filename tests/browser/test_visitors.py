"""Visitors in a real browser: a teacher registers a visitor on the host page; the school's
admin approves it; the visitor declares their health on the phone link (no login) and is
shown the one-time code; the gate scans it: pass, then refused as used; an unknown number is
offered "register a visitor". Closed loop for staff: the school's admin records a teacher as
living on campus."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.visitors.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
ID_NUMBER = "11010519491231002X"


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _register(page):
    now = timezone.now()
    page.goto(page.base + "/visitors/")
    page.click("#visit-new")
    page.fill("#id_name", "访客甲")
    page.fill("#id_phone", "13800138000")
    page.fill("#id_doc_number", ID_NUMBER)
    page.fill("#id_organisation", "空调维修公司")
    page.fill("#id_purpose", "维修教室空调")
    page.fill("#id_starts_at", _local(now - timedelta(minutes=30)))
    page.fill("#id_ends_at", _local(now + timedelta(hours=3)))
    page.click("#visit-send")
    expect(page.locator("#visit-link")).to_have_value(__import__("re").compile(r"/visitors/d/"))
    return Visit.objects.get()


def _approve(world, visit):
    from apps.approvals.services import approval_decide

    approval_decide(
        actor=world.users["school_a_admin"], approval_id=visit.approval_id, approve=True
    )


def test_a_host_registers_a_visitor_and_the_list_masks_the_id(world, login_as):
    host = login_as("teacher_a1")
    expect(host.locator("nav a[href='/visitors/']")).to_have_count(1)
    visit = _register(host)
    expect(host.locator("#visit-approval")).to_contain_text("待审批")
    assert ID_NUMBER not in host.content()
    host.goto(host.base + "/visitors/")
    expect(host.locator(f"#visit-list tr[data-visit='{visit.pk}']")).to_contain_text("访客甲")
    assert ID_NUMBER not in host.content()

    admin = login_as("school_a_admin")
    admin.goto(admin.base + f"/visitors/{visit.pk}/")
    admin.fill("#id_reason", "核对访客身份")
    admin.locator("#reveal-form button").click()
    expect(admin.locator("#visit-doc")).to_have_text(ID_NUMBER)


def test_the_visitor_declares_on_the_phone_and_gets_the_code(world, login_as, open_page):
    host = login_as("teacher_a1")
    visit = _register(host)
    link = host.locator("#visit-link").input_value()

    phone = open_page(viewport=PHONE)
    phone.goto(link)
    phone.fill("#id_temperature", "36.5")
    phone.click("#declare-send")
    expect(phone.locator("#visit-waiting")).to_be_visible()
    _approve(world, visit)
    phone.reload()
    expect(phone.locator("#visit-code")).to_contain_text("SV1.")

    phone.goto(link + "x")  # a tampered link
    expect(phone.locator("body")).not_to_contain_text("访客甲")


def _scan(page, scanned, temperature):
    page.fill("#scan-input", scanned)
    page.press("#scan-input", "Enter")
    expect(page.locator("#temperature")).to_be_focused()
    page.fill("#temperature", temperature)
    page.press("#temperature", "Enter")


def test_the_gate_scans_a_visitor_code_once_and_offers_registration(world, login_as, click_menu):
    from apps.visitors.services import declare_token, visit_declare, visitor_code

    host = login_as("teacher_a1")
    visit = _register(host)
    _approve(world, visit)
    visit_declare(token=declare_token(visit), temperature="36.4", symptoms=False, risk_regions=[])
    code = visitor_code(visit)

    gate = login_as("gate_a")
    click_menu(gate, "/gate/kiosk/")
    gate.wait_for_function("() => document.getElementById('kiosk').dataset.snapshot === '4'")
    verdict = gate.locator("#verdict")
    _scan(gate, code, "36.5")
    expect(verdict).to_have_attribute("data-verdict", "pass")
    expect(gate.locator("#verdict-person")).to_contain_text("访客甲")
    expect(gate.locator("#register-visitor")).to_be_hidden()
    _scan(gate, code, "36.5")
    expect(verdict).to_have_attribute("data-verdict", "stop")
    expect(gate.locator("#verdict-reason")).to_contain_text("访客码已使用过")

    gate.fill("#scan-input", "NOBODY-99")  # nobody of the school: refused at once
    gate.press("#scan-input", "Enter")
    expect(verdict).to_have_attribute("data-verdict", "stop")
    expect(gate.locator("#register-visitor")).to_be_visible()
    assert gate.locator("#register-visitor").get_attribute("href") == "/visitors/new/"


def test_the_school_admin_records_staff_living_on_campus(world, login_as):
    admin = login_as("school_a_admin")
    school = world.schools["a"]
    admin.goto(admin.base + f"/emergency/modes/{school.pk}/")
    admin.click("#campus-residents-link")
    admin.fill("#id_number", "T001")
    admin.fill("#id_since", timezone.localdate().isoformat())
    admin.click("#resident-save")
    expect(admin.locator("#resident-list")).to_contain_text("王建国")
    admin.locator("#resident-list button").click()  # ended: today is the last day
    expect(admin.locator("#resident-list .resident-until")).to_have_text(
        timezone.localdate().isoformat())
