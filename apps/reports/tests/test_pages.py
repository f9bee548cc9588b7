"""The daily report pages, in Chinese by default and in English."""

import pytest
from django.conf import settings
from django.urls import reverse

from apps.reports.models import DailyReport
from apps.reports.tests.conftest import DAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client, world):
    def login(username, language="en"):
        client.force_login(world.users[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return login


def test_it_submits_a_zero_report_from_the_schools_page(world, as_user, morning):
    client = as_user("reporter_a", "zh-hans")
    a = world.schools["a"]
    page = client.get(reverse("reports:index"), follow=True)
    assert page.status_code == 200 and "日报" in page.text and "提交零报告" in page.text
    done = client.post(reverse("reports:school_submit", args=[a.pk]),
                       {"day": DAY.isoformat(), "zero": "1"}, follow=True)
    assert "零报告已提交" in done.text
    assert DailyReport.objects.get(school=a, day=DAY).zero


def test_it_shows_the_county_its_schools_and_refuses_others(world, as_user, morning):
    client = as_user("jinshui_bureau")
    page = client.get(reverse("reports:index"), follow=True)
    assert "Daily reports" in page.text and "金水区第一中学" in page.text
    assert "Not yet due" in page.text and "Remind" in page.text
    other = as_user("zhongyuan_bureau")
    jinshui = world.bureaus["jinshui"].pk
    assert other.get(reverse("reports:bureau", args=[jinshui])).status_code == 404
    guardian = as_user("guardian_a1")
    assert guardian.get(reverse("reports:index")).status_code == 403
    assert guardian.get(reverse("reports:school", args=[world.schools["a"].pk])).status_code == 404
