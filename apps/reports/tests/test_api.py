"""/api/v1/reports through the whole stack, with personas."""

import json

import pytest
from django.test import Client

from apps.reports.models import DailyReportVersion
from apps.reports.tests.conftest import DAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    def call(username, method, path, body=None):
        client = Client()
        client.force_login(world.users[username])
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        return getattr(client, method)("/api/v1/reports" + path, **kwargs)

    return call


def test_it_submits_a_zero_report_once_and_shows_it_to_the_county(world, api, morning):
    a = world.schools["a"].pk
    first = api("reporter_a", "post", f"/schools/{a}/submit", {"day": DAY.isoformat(),
                                                               "zero": True})
    again = api("reporter_a", "post", f"/schools/{a}/submit", {"day": DAY.isoformat(),
                                                               "zero": True})
    assert first.status_code == again.status_code == 200
    assert first.json()["state"] == "submitted" and first.json()["zero"] is True
    assert len(again.json()["versions"]) == 1 == DailyReportVersion.objects.count()
    county = api("jinshui_bureau", "get",
                 f"/bureaus/{world.bureaus['jinshui'].pk}?day={DAY.isoformat()}").json()
    assert [(s["name"], s["state"]) for s in county["schools"]] == [("金水区第一中学",
                                                                     "submitted")]


def test_it_answers_404_out_of_scope_and_422_naming_the_field(world, api, morning):
    a = world.schools["a"].pk
    for persona in ("school_b_admin", "guardian_a1", "zhongyuan_bureau"):
        assert api(persona, "get", f"/schools/{a}").status_code == 404
        assert api(persona, "post", f"/schools/{a}/submit",
                   {"day": DAY.isoformat()}).status_code == 404
    assert api("zhongyuan_bureau", "get",
               f"/bureaus/{world.bureaus['jinshui'].pk}").status_code == 404
    api("reporter_a", "post", f"/schools/{a}/submit", {"day": DAY.isoformat()})
    bad = api("reporter_a", "post", f"/schools/{a}/correct", {"day": DAY.isoformat(),
                                                              "reason": ""})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "reason"


def test_it_lets_the_county_remind_aggregate_and_submit(world, api, clock):
    from apps.reports.tests.conftest import at

    clock.move_to(at(10, 30))
    a, jinshui = world.schools["a"].pk, world.bureaus["jinshui"].pk
    day = {"day": DAY.isoformat()}
    assert api("jinshui_bureau", "post", f"/schools/{a}/remind", day).json() == {"sent": 2}
    assert api("jinshui_bureau", "post", f"/schools/{a}/remind", day).json() == {"sent": 0}
    api("reporter_a", "post", f"/schools/{a}/submit", day)
    sent = api("jinshui_bureau", "post", f"/bureaus/{jinshui}/submit", day).json()
    assert sent["report"]["status"] == "submitted"
    assert sent["report"]["counts"]["schools_late"] == 1
    assert sent["schools"][0]["state"] == "late"
