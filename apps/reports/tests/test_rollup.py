"""The daily reports summed per county, city and province (apps.reports.rollup) and the
bureaus' and province's 14-day trend read from those sums, with personas."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.reports.models import DailyReport, RegionDay
from apps.reports.rollup import region_days_refresh
from apps.reports.selectors import regions_trend
from shaodian.testing.worker import queued, run_queued

pytestmark = pytest.mark.django_db

ROLL_UP = "apps.reports.tasks.roll_up_region_day"


def report(school, day, **figures):
    return DailyReport.objects.create(school=school, day=day, figures=figures,
                                      due_at=timezone.now())


def row(level, code, day):
    return RegionDay.objects.get(level=level, code=code, day=day)


def test_it_sums_a_day_per_county_city_and_province(world):
    today = timezone.localdate()
    report(world.schools["a"], today, checkin_morning_done=30, abnormal=2, absent=1)
    report(world.schools["b"], today, checkin_morning_done=20, abnormal=5)
    report(world.schools["b"], today - timedelta(days=1), abnormal=9)
    assert region_days_refresh(day=today) == 2  # Jinshui's and Jianxi's county rows
    jinshui, zhengzhou = row("county", "410105", today), row("city", "410100", today)
    assert (jinshui.reports, jinshui.checkin_morning_done, jinshui.abnormal) == (1, 30, 2)
    assert (zhengzhou.city_code, zhengzhou.abnormal) == ("410100", 2)
    assert row("city", "410300", today).abnormal == 5
    henan = row("province", "410000", today)
    assert (henan.reports, henan.checkin_morning_done, henan.abnormal, henan.absent) == (
        2, 50, 7, 1)
    assert not RegionDay.objects.filter(day=today - timedelta(days=1)).exists()


def test_it_sums_again_idempotently_when_a_report_changes(world):
    today = timezone.localdate()
    a = report(world.schools["a"], today, abnormal=2)
    region_days_refresh(day=today)
    region_days_refresh(day=today)
    assert RegionDay.objects.filter(day=today).count() == 3  # county, city, province
    a.figures = {"abnormal": 4}
    a.save()
    region_days_refresh(day=today)
    assert row("province", "410000", today).abnormal == 4


def test_each_bureau_sees_the_trend_of_its_own_region(world):
    today = timezone.localdate()
    report(world.schools["a"], today, abnormal=2)
    report(world.schools["a"], today - timedelta(days=3), abnormal=5)
    report(world.schools["a"], today - timedelta(days=20), abnormal=11)
    report(world.schools["b"], today, abnormal=7)
    for ago in (0, 3, 20):
        region_days_refresh(day=today - timedelta(days=ago))
    province = regions_trend(user=world.users["province"], regions=[("province", "410000")])
    assert len(province["days"]) == 14 and province["days"][-1] == today
    assert province["abnormal"][-1] == 9 and province["abnormal"][-4] == 5
    assert sum(province["abnormal"]) == 14  # not the day 20 days ago
    jinshui = regions_trend(user=world.users["jinshui_bureau"], regions=[("county", "410105")])
    assert jinshui["abnormal"][-1] == 2
    # A bureau asking for another's region gets nothing of it (the scope layer).
    assert regions_trend(user=world.users["jinshui_bureau"],
                         regions=[("city", "410300")]) is None
    assert regions_trend(user=world.users["zhongyuan_bureau"],
                         regions=[("county", "410102")]) is None


def test_the_province_home_draws_the_trend_from_the_region_rows(world, client):
    today = timezone.localdate()
    report(world.schools["a"], today, checkin_morning_done=30, abnormal=2, absent=1)
    report(world.schools["b"], today, checkin_morning_done=20, abnormal=5)
    region_days_refresh(day=today)
    DailyReport.objects.all().delete()  # the trend must not read the schools' reports
    client.force_login(world.users["province"])
    page = client.get("/").content.decode()
    data = json.loads(page.split('id="chart-data" type="application/json">')[1]
                      .split("</script>")[0])
    assert [d["values"][-1] for d in data["trend"]["datasets"]] == [50, 7, 1]
    assert 'id="chart-trend"' in page


def test_the_drafting_sweep_sums_today(world):
    from apps.reports.tasks import draft_daily_reports

    counts = draft_daily_reports.call()
    assert counts["drafted"] == 2 and counts["regions"] == 2
    assert row("province", "410000", timezone.localdate()).reports == 2


def test_a_report_of_an_earlier_day_submitted_sums_that_day_again(
        world, django_capture_on_commit_callbacks):
    from apps.reports.drafting import reports_draft
    from apps.reports.services import report_submit

    yesterday = timezone.localdate() - timedelta(days=1)
    reports_draft(day=yesterday)
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk,
                      day=yesterday)
    assert run_queued(ROLL_UP) == [2]
    assert row("province", "410000", yesterday).reports == 2



def test_todays_report_submitted_leaves_the_sums_to_the_sweep(
        world, django_capture_on_commit_callbacks):
    from apps.reports.services import report_submit

    with django_capture_on_commit_callbacks(execute=True):
        report_submit(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk,
                      day=timezone.localdate())
    assert queued(ROLL_UP) == []


def test_a_report_drafted_set_based_carries_its_schools_region_codes(world):
    from apps.reports.drafting import reports_draft

    reports_draft(day=timezone.localdate())  # bulk_create: no save() to fill them
    codes = set(DailyReport.objects.values_list("school__county_code", "province_code",
                                                "city_code", "county_code"))
    assert codes == {("410105", "410000", "410100", "410105"),
                     ("410305", "410000", "410300", "410305")}
    # So a city bureau's scope narrows the reports without the schools: Luoyang sees b's.
    seen = DailyReport.objects.restrict(world.users["luoyang_bureau"], "reports.view")
    assert list(seen.values_list("school_id", flat=True)) == [world.schools["b"].pk]
