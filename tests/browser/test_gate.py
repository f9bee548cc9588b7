"""A gate officer scans at the kiosk in a real browser: the verdict comes big and coloured
without a page load, the input is ready for the next scan; with the network cut the kiosk
decides from its snapshot, queues the check and uploads it when the network is back. A
school admin then sees the stop on the stops-by-reason chart and overrides it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.health.models import CheckIn
from apps.people.codes import personal_code_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _checked_in(person):
    CheckIn.objects.create(school_id=person.school_id, person=person, day=timezone.localdate(),
                           slot="morning", temperature=36.5, submitted_as="self",
                           client_id=f"browser-{person.pk}")


def _scan(page, scanned, temperature):
    page.fill("#scan-input", scanned)
    page.press("#scan-input", "Enter")
    expect(page.locator("#temperature")).to_be_focused()
    page.fill("#temperature", temperature)
    page.press("#temperature", "Enter")


def test_it_gives_verdicts_online_and_offline(world, login_as, click_menu):
    from apps.gate.models import GateCheck

    a1, a2 = world.persons["a1_student"], world.persons["a2_student"]
    _checked_in(a1)
    _checked_in(a2)
    page = login_as("gate_a")
    click_menu(page, "/gate/kiosk/")
    expect(page.locator("#scan-input")).to_be_focused()
    page.wait_for_function("() => document.getElementById('kiosk').dataset.snapshot === '4'")

    _scan(page, personal_code_issue(person=a1), "36.5")
    verdict = page.locator("#verdict")
    expect(verdict).to_have_attribute("data-verdict", "pass")
    expect(page.locator("#verdict-person")).to_contain_text("张小明")
    expect(page.locator("#scan-input")).to_be_focused()
    expect(page.locator("#scan-input")).to_have_value("")
    assert a1.plain_document not in page.content()

    _scan(page, "A2024002", "38.6")  # a fever, typed by number
    expect(verdict).to_have_attribute("data-verdict", "stop")
    expect(page.locator("#verdict-reason")).to_contain_text("发热")
    assert page.evaluate("document.getElementById('verdict').classList.contains('v-stop')")

    page.context.set_offline(True)
    _scan(page, personal_code_issue(person=a2), "36.4")
    expect(verdict).to_have_attribute("data-verdict", "pass")
    expect(page.locator("#net-state")).to_contain_text("离线")
    expect(page.locator("#queue-state")).to_contain_text("1")
    assert GateCheck.objects.count() == 2

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#queue-state")).to_have_text("")
    offline = GateCheck.objects.get(recorded_offline=True)
    assert offline.person_id == a2.pk and offline.verdict == "pass"


def test_it_queues_a_scan_the_server_failed_to_record_and_uploads_it_once(
        world, login_as, click_menu):
    from apps.gate.models import GateCheck

    a1 = world.persons["a1_student"]
    _checked_in(a1)
    page = login_as("gate_a")
    click_menu(page, "/gate/kiosk/")
    page.wait_for_function("() => document.getElementById('kiosk').dataset.snapshot === '4'")
    # The server is up but its database is not: every scan answers 503.
    page.route("**/api/v1/gate/verdicts", lambda route: route.fulfill(
        status=503, content_type="application/json", body='{"message": "unavailable"}'))
    _scan(page, personal_code_issue(person=a1), "36.5")
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "pass")
    expect(page.locator("#queue-state")).to_contain_text("1")
    assert not GateCheck.objects.exists()

    page.unroute("**/api/v1/gate/verdicts")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#queue-state")).to_have_text("")
    assert GateCheck.objects.get().recorded_offline


def test_it_charts_stops_and_lets_the_school_override_one(world, login_as):
    from apps.gate.services import gate_check_record

    stopped = gate_check_record(actor=world.users["gate_a"], code_or_number="A2024001",
                                temperature="38.9", direction="in", client_id="b-1")
    page = login_as("school_a_admin")
    # The admin's menu groups many entries; the pages are opened by their address here.
    page.goto(page.base + "/gate/stops/")
    expect(page.locator('#gate-stops tr[data-reason="fever"]')).to_contain_text("1")
    page.wait_for_function("() => document.getElementById('chart-stops').chart !== undefined")

    page.goto(page.base + "/gate/")
    page.click(f'tr[data-check="{stopped.check_id}"] >> text=放行')
    page.fill("#override-reason", "复测36.7正常")
    page.click("#override-submit")
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto(page.base + "/gate/overrides/")
    expect(page.locator("#gate-overrides")).to_contain_text("复测36.7正常")


def test_a_scan_clears_the_last_verdict_unknowns_go_at_once_codes_stay(world, login_as, click_menu):
    """A new scan clears the last verdict; an unknown code is refused before any temperature;
    after a bad temperature the code stays."""
    a1, a2 = world.persons["a1_student"], world.persons["a2_student"]
    _checked_in(a1)
    _checked_in(a2)
    page = login_as("gate_a")
    click_menu(page, "/gate/kiosk/")
    page.wait_for_function("() => document.getElementById('kiosk').dataset.snapshot === '4'")
    verdict, person = page.locator("#verdict"), page.locator("#verdict-person")

    _scan(page, "A2024002", "38.6")  # a fever: a red stop with the name
    expect(verdict).to_have_attribute("data-verdict", "stop")
    expect(person).not_to_have_text("")
    page.locator("#scan-input").press_sequentially("A20")  # the next person's code arrives
    expect(verdict).not_to_have_attribute("data-verdict", "stop")
    expect(person).to_have_text("")
    page.fill("#scan-input", "")

    page.fill("#scan-input", "X9999999")  # nobody's number: refused before any temperature
    page.press("#scan-input", "Enter")
    expect(verdict).to_have_attribute("data-verdict", "stop")
    expect(page.locator("#verdict-reason")).to_contain_text("查无此人")
    expect(page.locator("#scan-input")).to_be_focused()

    page.fill("#scan-input", personal_code_issue(person=a1))
    page.press("#scan-input", "Enter")
    page.fill("#temperature", "365")  # a slip: out of range
    page.press("#temperature", "Enter")
    expect(verdict).to_have_attribute("data-verdict", "error")
    expect(page.locator("#temperature")).to_be_focused()
    expect(page.locator("#scan-input")).not_to_have_value("")
    page.fill("#temperature", "36.5")
    page.press("#temperature", "Enter")
    expect(verdict).to_have_attribute("data-verdict", "pass")
    expect(person).to_contain_text("张小明")
