"""Lab results in a real browser: the school's epidemic office checks a lab file, sees the
other school's tube refused, imports the good rows; the positive pool appears with its
members' rechecks; the class teacher sees their class only and cannot import; the pool-size
advice draws its chart on a phone."""

import pytest
from playwright.sync_api import expect

from apps.followups.models import FollowUp
from apps.rosters.tests.files import xlsx
from apps.testing.models import Tube
from apps.testing.tests.helpers_results import a_round, closed_tube

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def tubes(world):
    p = world.persons
    closed_tube(a_round(world.schools["a"]), "P1", [p["a1_student"], p["a1_student2"],
                                                   p["a2_student"]])
    closed_tube(a_round(world.schools["b"]), "B1", [p["b1_student"]])


def test_the_school_admin_imports_the_good_rows_and_sees_the_positive_pool(world, tubes,
                                                                          login_as, click_menu):
    page = login_as("school_a_admin")
    click_menu(page, "/testing/results/import/")
    data = xlsx([["样本管号", "检测结果", "检测时间"], ["P1", "阳性", None], ["B1", "阴性", None]])
    page.set_input_files("#id_file", files=[{"name": "结果.xlsx", "buffer": data,
                                             "mimeType": XLSX}])
    page.click("#results-check")
    expect(page.locator("#results-errors tbody tr")).to_have_count(1)
    expect(page.locator("#results-errors tr[data-reason=other_school]")).to_contain_text("B1")
    expect(page.locator("#count-new")).to_have_text("1")
    assert Tube.objects.get(barcode="P1").result == ""
    page.click("#results-apply")  # without the box ticked: refused whole
    expect(page.locator("#results-refused")).to_be_visible()
    assert Tube.objects.get(barcode="P1").result == ""
    page.check("#id_valid_only")
    page.click("#results-apply")
    page.wait_for_url(page.base + "/testing/results/positives/")
    pool = page.locator(".positive-pool[data-barcode=P1]")
    expect(pool.locator("tbody tr")).to_have_count(3)
    expect(pool).to_contain_text("尚未采样")
    assert FollowUp.objects.filter(source="tube:P1").count() == 3


def test_the_class_teacher_sees_their_class_and_no_import(world, tubes, login_as):
    from apps.testing.services.results import results_import
    from apps.testing.tests.helpers_results import rows

    results_import(actor=world.users["hospital_a"], school=world.schools["a"],
                   rows=rows(("P1", "阳性")))
    page = login_as("teacher_a2", viewport=PHONE)
    page.goto(page.base + "/testing/results/positives/")
    expect(page.locator(".positive-pool tbody tr")).to_have_count(1)
    expect(page.locator(".positive-pool")).to_contain_text("陈小刚")
    expect(page.locator("#results-tabs")).not_to_contain_text("导入结果")
    response = page.goto(page.base + "/testing/results/import/")
    assert response.status == 404


def test_the_advice_page_draws_its_chart_on_a_phone(world, login_as):
    page = login_as("school_a_admin", viewport=PHONE)
    page.goto(page.base + "/testing/advice/")
    page.fill("#id_prevalence", "5")
    page.click("#advice-submit")
    expect(page.locator("#advice-table tr.table-success")).to_have_attribute("data-pool", "5")
    expect(page.locator("#advice-verdict")).to_contain_text("5 合 1")
    # the deferred Chart.js may not have run yet when the answer is on the page
    page.wait_for_function("() => typeof Chart === 'function' && "
                           "Chart.getChart('chart-advice') !== undefined")
    lines = page.evaluate("() => Chart.getChart('chart-advice').data.datasets.length")
    assert lines == 4
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
