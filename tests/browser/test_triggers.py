"""The two triggers end to end in a browser: the province records a case report, the school's
epidemic office sees its clock and trace-back list and answers, the bureau sees the chart."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.emergency.models import SchoolTrigger
from apps.travel.models import TripLeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_it_fires_answers_and_charts_a_trigger(henan, login_as, assets_loaded, immediate_tasks):
    a1 = henan.persons["a1_student"]
    day = timezone.localdate() - timedelta(days=4)
    TripLeg.objects.create(school_id=a1.school_id, person=a1, from_region_id="410105",
                           to_region_id="310115", depart=day, arrive=day, transport="train")
    province = login_as("province")
    province.goto(province.base + "/emergency/reports/")
    assert assets_loaded(province)
    province.fill("#id_region", "上海市浦东新区")
    province.fill("#id_cases", "3")
    province.fill("#id_source", "上海市卫健委通报")
    province.click("#report-submit")
    expect(province.locator("#report-confirmation")).to_contain_text("2 所学校")
    province.click("#report-confirm")
    expect(province.locator("#report-events")).to_contain_text("录入")
    trigger = SchoolTrigger.objects.get(school=henan.schools["a"])

    school = login_as("school_a_admin")
    school.goto(school.base + f"/emergency/triggers/{trigger.pk}/")
    expect(school.locator("#clock")).to_contain_text("剩余 29:")
    expect(school.locator("#trace-list")).to_contain_text("张小明")
    expect(school.locator("#hospital")).to_contain_text("金水区人民医院")
    school.click("#acknowledge")
    school.select_option("#id_mode", "closed_loop")
    school.fill("#id_reason", "外省本土疫情，寄宿生闭环")
    school.click("#decide")
    expect(school.locator("#response-times")).to_contain_text("已切换模式")
    school.screenshot(path="test-results/trigger-school.png", full_page=True)

    province.goto(province.base + f"/emergency/alerts/{trigger.alert_id}/")
    expect(province.locator("#alert-summary")).to_contain_text("2")
    expect(province.locator("#alert-schools")).to_contain_text("按时响应")
    assert province.evaluate("Chart.getChart('chart-response').data.datasets[0].data[0]") == 1
    province.screenshot(path="test-results/trigger-alert.png", full_page=True)
