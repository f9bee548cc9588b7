"""An inspection in a real browser, on a phone: the county bureau plans one of its schools and
walks the checklist, two items failed with notes and a photo; completing it makes two
rectifications; the school admin names a teacher for one and answers the other with a photo,
the teacher answers theirs with a photo; the inspector sees the photos and verifies both, and
the overview charts the failures by item."""

import pytest
from playwright.sync_api import expect

from apps.supervision.models import Rectification
from apps.supervision.tests.conftest import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
FAILED = {"supplies": "口罩储备不足三天", "ventilation": "教室未按时通风"}


def _photo(name: str) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": png_bytes()}


def _inspect(page, world) -> str:
    """Plan, record every item (two failed), complete; returns the inspection's URL."""
    page.goto(page.base + "/supervision/")
    page.select_option("#id_school", str(world.schools["a"].pk))
    page.click("#inspection-plan")
    expect(page.locator("#inspection-state")).to_have_text("待检查")
    url = page.url
    for code in page.locator("#inspection-items > li").evaluate_all(
            "items => items.map(i => i.dataset.item)"):
        item = page.locator(f"#item-{code}")
        if code in FAILED:
            item.locator("label", has_text="不合格").click()
            item.locator("textarea").fill(FAILED[code])
            item.locator("input[type=file]").set_input_files([_photo(f"{code}.png")])
        else:
            item.locator("label", has_text="合格").first.click()
        item.locator(".item-save").click()
        expect(page.locator(f"#item-{code} .item-result")).to_be_visible()
    page.click("#inspection-complete")
    expect(page.locator("#inspection-state")).to_have_text("已完成")
    expect(page.locator("#inspection-findings li")).to_have_count(2)
    return url


def _menu(page, href: str) -> None:
    """On a phone the menu is folded: the link is there; follow it."""
    expect(page.locator(f"nav a[href='{href}']")).to_have_count(1)
    page.goto(page.base + href)


def _answer(page, text: str, name: str) -> None:
    page.fill("#id_answer", text)
    page.set_input_files("#rect-photos", [_photo(name)])
    page.click("#rect-answer-send")
    expect(page.locator("#rect-state")).to_have_text("已反馈")
    expect(page.locator("#rect-evidence img")).to_have_count(1)


def test_an_inspection_with_two_failures_is_rectified_with_photos_and_verified(
        world, login_as, assets_loaded):
    inspector = login_as("jinshui_bureau", viewport=PHONE)
    assert assets_loaded(inspector)
    url = _inspect(inspector, world)
    rects = list(Rectification.objects.order_by("id").values_list("pk", flat=True))
    assert len(rects) == 2

    school = login_as("school_a_admin", viewport=PHONE)
    _menu(school, "/supervision/rectifications/")
    expect(school.locator("#rectification-list tr[data-rectification]")).to_have_count(2)
    school.goto(f"{school.base}/supervision/rectifications/{rects[0]}/")
    school.select_option("#id_assignee", str(world.users["teacher_a1"].pk))
    school.click("#rect-assign")
    expect(school.locator("#rect-assignee")).to_have_text("王老师")
    school.goto(f"{school.base}/supervision/rectifications/{rects[1]}/")
    _answer(school, "已开窗通风并记录", "window.png")

    teacher = login_as("teacher_a1", viewport=PHONE)
    _menu(teacher, "/supervision/rectifications/")
    teacher.locator("#rectification-list a").first.click()
    _answer(teacher, "已补足两周口罩", "masks.png")
    teacher.wait_for_function("""() => [...document.querySelectorAll('.photo-strip img')]
                                 .every(i => i.complete && i.naturalWidth === 1)""")
    expect(teacher.locator(".photo-strip img")).to_have_count(2)  # the item's, the evidence

    for pk in rects:
        inspector.goto(f"{inspector.base}/supervision/rectifications/{pk}/")
        expect(inspector.locator("#rect-answer")).not_to_be_empty()
        inspector.click("#rect-verify")
        expect(inspector.locator("#rect-state")).to_have_text("已核验")
    inspector.goto(url)
    expect(inspector.locator("#inspection-findings .rect-state")).to_have_text(["已核验", "已核验"])
    inspector.goto(inspector.base + "/supervision/overview/")
    expect(inspector.locator("#fig-inspected")).to_have_text("1 / 1")
    expect(inspector.locator("#fig-open")).to_have_text("0")
    inspector.wait_for_function(
        "() => Chart.getChart(document.getElementById('chart-items')) !== undefined")
