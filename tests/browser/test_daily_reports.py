"""A day of daily reports: every school's report is drafted; one school submits its report,
another a zero report; after the deadline the county sees who submitted and who is missing,
reminds the missing school, aggregates its schools' reports and submits upward.

The clock is set to fixed moments of the suite's day (09:00, then 10:30: the routine pack's
deadline is 10:00), so the walk is the same whatever hour the suite runs at (07:10, 12:30 and
18:40 in CI)."""

from datetime import datetime, time

import pytest
from django.test import Client
from playwright.sync_api import expect

from apps.access.models import RoleAssignment
from apps.notifications.models import Notification
from apps.orgs.models import School
from apps.reports.drafting import reports_draft
from apps.reports.models import BureauReport, DailyReport
from shaodian.testing.clock import BEIJING, SUITE_DAY
from shaodian.testing.world import _user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _school(world, key, name, code):
    school = School.objects.create(name=name, code=code, kind="primary", boarding="day",
                                   region_id="410105", bureau=world.bureaus["jinshui"])
    world.schools[key] = school
    return school


def _at(hour, minute=0):
    return datetime.combine(SUITE_DAY, time(hour, minute), BEIJING)


def test_it_walks_a_day_of_daily_reports(world, clock, login_as, click_menu, assets_loaded):
    clock.move_to(_at(9))
    c = _school(world, "c", "金水区第二小学", "4101050002")
    d = _school(world, "d", "金水区第三中学", "4101050003")
    RoleAssignment.objects.create(user=_user(world, "school_c_admin", "二小防疫办"),
                                  role="school_admin", school=c)
    RoleAssignment.objects.create(user=_user(world, "reporter_d", "三中疫情报告人"),
                                  role="outbreak_reporter", school=d)
    assert reports_draft(day=SUITE_DAY)["drafted"] == 4
    Client().get("/login/")  # the URLs and templates loaded before the browser's first page

    page = login_as("reporter_a")
    click_menu(page, "/reports/")
    assert assets_loaded(page)
    expect(page.locator("h1")).to_contain_text("金水区第一中学")
    expect(page.locator("tr[data-figure=persons]")).to_contain_text("4")
    page.click("#submit-report")
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("日报已提交")
    expect(page.locator("[data-state=submitted]").first).to_be_visible()

    page = login_as("school_c_admin")
    page.goto(page.base + "/reports/")
    page.click("#submit-zero")
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("零报告已提交")
    expect(page.locator("#zero-badge")).to_be_visible()

    clock.move_to(_at(10, 30))
    page = login_as("jinshui_bureau")
    click_menu(page, "/reports/")
    expect(page.locator("#report-counts")).to_contain_text("缺报 1")
    expect(page.locator(f"tr[data-school='{world.schools['a'].pk}']")).to_have_attribute(
        "data-state", "submitted")
    expect(page.locator(f"tr[data-school='{c.pk}']")).to_contain_text("零报告")
    missing = page.locator(f"tr[data-school='{d.pk}']")
    expect(missing).to_have_attribute("data-state", "missing")
    missing.locator("button.remind").click()
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("已催报")
    expect(page.locator(f"tr[data-school='{d.pk}']")).to_contain_text("已催报")
    assert Notification.objects.filter(kind="reports.remind",
                                       recipient=world.users["reporter_d"]).count() == 1

    page.click("#aggregate")
    expect(page.locator("#bureau-report-state")).to_contain_text("学校已提交 2 / 3")
    page.click("#bureau-submit")
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("已向上级报送")
    expect(page.locator("#bureau-report-state")).to_contain_text("已提交")
    report = BureauReport.objects.get(bureau=world.bureaus["jinshui"], day=SUITE_DAY)
    assert report.status == "submitted" and report.counts["schools_submitted"] == 2
    assert report.figures["persons"] == 4
    assert DailyReport.objects.get(school=d, day=SUITE_DAY).status == "draft"
