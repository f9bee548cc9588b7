"""axe-core on every role's home page and main forms: no serious or critical violation of
WCAG 2.1 A/AA (issue 17). The pages are checked as each persona sees them, in Chinese (the
default) on the size of screen the role uses."""

import pytest

from tests.browser.axe import assert_no_serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1280, "height": 800}

# (role, persona, page, screen): each role's home page and the forms it uses most
PAGES = [
    ("province_admin", "province", "/", DESKTOP),
    ("province_admin", "province", "/emergency/reports/", DESKTOP),
    ("province_admin", "province", "/policy/", DESKTOP),
    ("bureau_admin", "jinshui_bureau", "/", DESKTOP),
    ("bureau_admin", "jinshui_bureau", "/absence/clusters/", DESKTOP),
    ("school_admin", "school_a_admin", "/", DESKTOP),
    ("school_admin", "school_a_admin", "/rosters/import/", DESKTOP),
    ("school_admin", "school_a_admin", "/testing/rounds/new/", DESKTOP),
    ("school_admin", "school_a_admin", "/accounts/new/", DESKTOP),
    ("school_admin", "school_a_admin", "/people/", DESKTOP),
    ("unit_lead", "unit_lead_a", "/", DESKTOP),
    ("class_teacher", "teacher_a1", "/", DESKTOP),
    ("class_teacher", "teacher_a1", "/health/class/?slot=morning", DESKTOP),
    ("class_teacher", "teacher_a1", "/absence/register/", PHONE),
    ("class_teacher", "teacher_a1", "/declarations/", PHONE),
    ("outbreak_reporter", "reporter_a", "/", DESKTOP),
    ("outbreak_reporter", "reporter_a", "/absence/clusters/", DESKTOP),
    ("gate_officer", "gate_a", "/", TABLET),
    ("gate_officer", "gate_a", "/gate/kiosk/", TABLET),
    ("sampler", "sampler_a", "/", PHONE),
    ("sampler", "sampler_a", "/testing/station/", PHONE),
    ("hospital_liaison", "hospital_a", "/", DESKTOP),
    ("self", "student_a1", "/", PHONE),
    ("self", "student_a1", "/health/", PHONE),
    ("guardian", "guardian_a1", "/", PHONE),
    ("guardian", "guardian_a1", "/health/", PHONE),
]


@pytest.mark.parametrize(("role", "username", "path", "screen"), PAGES,
                         ids=[f"{role}:{path}" for role, _, path, _ in PAGES])
def test_it_has_no_serious_accessibility_violations(role, username, path, screen, world,
                                                    login_as):
    if path.startswith("/testing/station/"):  # the station's scanning form needs an open round
        from apps.testing.tests.helpers_station import open_round
        open_round(world, stations=["东门"])
    page = login_as(username, viewport=screen)
    if path != "/":
        response = page.goto(page.base + path)
        assert response.status == 200, f"{path}: {response.status}"
    assert_no_serious_violations(page)


def test_the_login_page_has_no_serious_accessibility_violations(world, open_page):
    page = open_page(viewport=PHONE)
    page.goto(page.base + "/login/")
    assert_no_serious_violations(page)


def test_the_helper_reports_a_violation_it_is_shown(world, open_page):
    """The check itself works: an input without a label is reported, with its selector."""
    from tests.browser.axe import axe_violations, describe

    page = open_page()
    page.goto(page.base + "/login/")
    page.evaluate("""() => { const i = document.createElement("input");
        i.id = "unlabelled"; document.querySelector("main").append(i); }""")
    violations = axe_violations(page)
    assert "label" in {v["id"] for v in violations}
    assert "#unlabelled" in describe(violations)


def test_the_gate_kiosk_showing_a_stop_verdict_has_no_serious_accessibility_violations(
        world, login_as):
    from playwright.sync_api import expect

    from tests.browser.test_gate import _scan

    page = login_as("gate_a", viewport=TABLET)
    page.goto(page.base + "/gate/kiosk/")
    page.wait_for_function("() => document.getElementById('kiosk').dataset.snapshot === '4'")
    _scan(page, "A2024002", "38.6")  # a fever, the number typed
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "stop")
    assert_no_serious_violations(page)


def test_a_school_admins_home_in_english_has_no_serious_accessibility_violations(world,
                                                                                 login_as):
    page = login_as("school_a_admin")
    page.click("#switch-language")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert_no_serious_violations(page)
