"""Each persona of the test province logs in through a real browser and sees exactly its
scope; each role's home page is saved for the README (docs/screenshots/<role>.png)."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots go to test-results/screenshots (untracked); SHAODIAN_UPDATE_SCREENSHOTS=1
# writes them into docs/screenshots for the README instead.
_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = (_ROOT / "docs" / "screenshots" if os.environ.get("SHAODIAN_UPDATE_SCREENSHOTS")
               else _ROOT / "test-results" / "screenshots")
SCREENSHOTS.mkdir(parents=True, exist_ok=True)
PHONE = {"width": 390, "height": 844}  # a common phone's CSS width
TABLET = {"width": 820, "height": 1180}  # the gate's tablet, upright
# Who uses Shaodian on what: a phone for those who check in or sample, a tablet at the gate;
# the offices' desktops otherwise (the browser fixture's default).
DEVICES = {"guardian": PHONE, "self": PHONE, "sampler": PHONE, "gate_officer": TABLET}

# role -> (persona, what their home page shows, what it must not show)
PERSONAS = {
    "province_admin": ("province", [], []),
    "bureau_admin": ("jinshui_bureau", [], []),
    "school_admin": ("school_a_admin", ["金水区第一中学", "七年级", "教务处"], ["涧西区实验中学"]),
    "unit_lead": ("unit_lead_a", ["金水区第一中学", "七年级"], ["教务处", "涧西区实验中学"]),
    "class_teacher": ("teacher_a2", ["七年级2班", "陈小刚"], ["张小明", "七年级1班"]),
    "outbreak_reporter": ("reporter_a", ["金水区第一中学"], ["涧西区实验中学"]),
    "gate_officer": ("gate_a", ["金水区第一中学", "门卫"], ["涧西区实验中学"]),
    "sampler": ("sampler_a", ["金水区第一中学", "采样员"], ["涧西区实验中学"]),
    "hospital_liaison": ("hospital_a", ["金水区第一中学"], ["涧西区实验中学"]),
    "self": ("student_a1", ["张小明"], ["刘小红", "陈小刚"]),
    "guardian": ("guardian_a1", ["张小明"], ["刘小红", "陈小刚"]),
}

REGION_SCHOOLS = {"province_admin": "2", "bureau_admin": "1"}  # Jinshui has one of the two


@pytest.mark.parametrize("role", PERSONAS)
def test_it_shows_each_role_its_home_page(role, world, login_as, assets_loaded):
    username, shown, hidden = PERSONAS[role]
    page = login_as(username, **({"viewport": DEVICES[role]} if role in DEVICES else {}))
    assert assets_loaded(page)
    main = page.locator("main")
    for text in shown:
        expect(main).to_contain_text(text)
    body = main.inner_text()
    for text in hidden:
        assert text not in body
    assert "退出登录" in page.locator("nav").text_content()  # Chinese (folded on a phone)
    if role in ("self", "guardian"):
        expect(page.locator(".personal-code svg")).to_have_count(1)
    if role in REGION_SCHOOLS:  # the counts of the region's schools, and the charts drawn
        expect(page.locator("#stat-schools")).to_have_text(REGION_SCHOOLS[role])
        drawn = "() => typeof Chart === 'function' && !!Chart.getChart('chart-region')"
        assert page.evaluate(drawn)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{role}.png"), full_page=True)


def person_names(page) -> set[str]:
    return set(page.locator("#person-results .person-link").all_inner_texts())


def test_it_lists_a_class_teacher_only_their_class(world, login_as, click_menu):
    page = login_as("teacher_a1")
    click_menu(page, "/people/")
    expect(page.locator("#result-count")).to_be_visible()
    # teacher_a1 teaches 七年级1班 and is also the staff member 王建国 (their own record)
    assert person_names(page) == {"张小明", "刘小红", "王建国"}


def test_it_shows_another_countys_bureau_the_404_page(world, login_as, assets_loaded):
    outside = world.persons["a1_student"]
    page = login_as("zhongyuan_bureau")
    response = page.goto(f"{page.base}/people/{outside.pk}/")
    assert response.status == 404
    expect(page.locator("#not-found")).to_be_visible()
    assert "张小明" not in page.content()
    assert assets_loaded(page)  # the 404 page keeps the layout


def test_it_shows_a_guardian_only_their_child(world, login_as):
    page = login_as("guardian_a1")
    page.goto(page.base + "/people/")
    assert person_names(page) == {"张小明"}
    page.click("text=张小明")
    expect(page.locator("#household")).to_contain_text("张奶奶")
    other = world.persons["a1_student2"]
    assert page.goto(f"{page.base}/people/{other.pk}/").status == 404


def test_it_finds_a_person_by_exact_id_number_as_you_type(world, login_as):
    person = world.persons["a2_student"]
    page = login_as("school_a_admin")
    page.goto(page.base + "/people/")
    assert person_names(page) == {"张小明", "刘小红", "陈小刚", "王建国"}
    page.fill("#id_q", person.plain_document.lower())  # a lower-case x is the same number
    expect(page.locator("#person-results .person-link")).to_have_count(1)
    assert person_names(page) == {"陈小刚"}
    assert person.plain_document.upper() not in page.url
    assert person.plain_document not in page.locator("#person-results").inner_text()


def test_it_filters_by_class_with_htmx_and_keeps_the_filter_in_the_address(world, login_as):
    klass = world.classes["a_c2"]
    page = login_as("school_a_admin")
    page.goto(page.base + "/people/")
    page.select_option("#id_klass", str(klass.pk))
    expect(page.locator("#person-results .person-link")).to_have_count(1)
    assert person_names(page) == {"陈小刚"}
    assert f"klass={klass.pk}" in page.url
    page.reload()
    assert person_names(page) == {"陈小刚"}


def test_it_renders_the_person_list_on_a_phone(world, login_as, assets_loaded):
    page = login_as("teacher_a1", viewport=PHONE)
    page.goto(page.base + "/people/")
    assert assets_loaded(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0  # nothing wider than the phone
    first = page.locator("#person-results .person-link").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    expect(page.locator("#id_q")).to_be_visible()
    expect(page.locator(".navbar-toggler")).to_be_visible()  # the menu folds away
    page.screenshot(path=str(SCREENSHOTS / "person-list-phone.png"), full_page=True)
    page.click(".navbar-toggler")
    expect(page.locator("#logout")).to_be_visible()


def test_it_switches_to_english_and_back(world, login_as):
    page = login_as("school_a_admin")
    expect(page.locator("#logout")).to_contain_text("退出登录")
    page.click("#switch-language")
    expect(page.locator("#logout")).to_contain_text("Log out")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    page.click("#switch-language")
    expect(page.locator("#logout")).to_contain_text("退出登录")


def test_it_expands_the_org_tree_with_htmx(world, login_as):
    page = login_as("province")
    page.goto(page.base + "/orgs/")
    page.click("summary:has-text('河南省教育厅')")
    page.click("summary:has-text('郑州市教育局')")
    page.click("summary:has-text('金水区教育局')")
    page.click("summary:has-text('金水区第一中学')")
    page.click("summary:has-text('七年级')")
    expect(page.locator(".org-tree")).to_contain_text("七年级2班")
    page.screenshot(path=str(SCREENSHOTS / "org-tree.png"), full_page=True)
    expect(page.locator("summary:has-text('金水区教育局') .org-count")).to_contain_text("4")


def test_it_logs_out(world, login_as):
    page = login_as("gate_a")
    page.click("#logout")
    page.wait_for_url(re.compile(r"/login/"))
    page.goto(page.base + "/")
    assert "/login/" in page.url


def test_it_says_when_the_password_is_wrong(world, open_page):
    page = open_page()
    page.goto(page.base + "/login/")
    page.fill("#id_username", "gate_a")
    page.fill("#id_password", "not-the-password")
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_be_visible()


def test_it_reveals_an_id_number_only_with_a_reason(world, login_as):
    from apps.access.models import AccessLog

    person = world.persons["a1_student"]
    page = login_as("school_a_admin")
    page.goto(f"{page.base}/people/{person.pk}/")
    expect(page.locator("#document")).to_have_text(person.doc_masked)
    expect(page.locator("#history")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "person-detail.png"), full_page=True)
    page.click("#reveal-submit")  # no reason: the browser itself refuses (required field)
    assert page.url.endswith(f"/people/{person.pk}/")
    page.fill("#id_reason", "核对疾控中心的排查名单")
    page.click("#reveal-submit")
    expect(page.locator("#revealed-document")).to_have_text(person.plain_document)
    assert AccessLog.objects.filter(object_id=str(person.pk), action="reveal_document").count() == 1


def test_it_creates_shows_once_and_revokes_an_api_token(world, login_as, click_menu):
    page = login_as("gate_a")
    page.click("#switch-language")  # to English, as a user would
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    click_menu(page, "/tokens/")
    page.fill("#id_name", "North gate terminal")
    page.check("input[value='gate.verdict']")
    page.click("#token-create")
    plaintext = page.locator("#token-plaintext").inner_text()
    assert plaintext.startswith("sd_")
    expect(page.locator("#token-table")).to_contain_text("North gate terminal")
    page.goto(page.base + "/tokens/")
    assert plaintext not in page.content()
    expect(page.locator("#token-table tbody tr")).to_have_count(1)
    page.click("#token-table button:has-text('Revoke')")
    expect(page.locator("#token-table")).to_contain_text("revoked")
