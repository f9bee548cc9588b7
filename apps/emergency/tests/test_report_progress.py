"""A case report's fan-out bar (apps.core.progress): from the worker's task record while the
alert is not written, from the schools' trigger rows once it is; out of scope is a 404."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.emergency.reports import case_report_enter
from apps.travel.models import TripLeg
from shaodian.testing import worker
from shaodian.testing.outputs import client_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
FIRE = "apps.emergency.tasks.fire_alert"


@pytest.fixture
def report(henan, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    a1 = henan.persons["a1_student"]
    day = TODAY - timedelta(days=3)
    TripLeg.objects.create(school_id=a1.school_id, person=a1, from_region_id="410105",
                           to_region_id="310115", depart=day, arrive=day, transport="train")
    with django_capture_on_commit_callbacks(execute=True):  # queued, not run
        return case_report_enter(actor=henan.users["province"], region="310115",
                                 reported_on=TODAY, cases=3, source="通报")


def progress(client, report) -> str:
    response = client.get(f"/emergency/reports/{report.pk}/progress/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_fan_out_waiting_running_then_the_schools_reached(henan, report):
    client = client_for(henan, "province")
    page = client.get(f"/emergency/reports/{report.pk}/").content.decode()
    bar = page[page.index('id="report-progress"'):]
    assert f'hx-get="/emergency/reports/{report.pk}/progress/"' in bar
    assert 'hx-trigger="every 1s"' in bar and 'data-state="queued"' in bar
    record = worker.claim(FIRE)
    assert 'data-state="running"' in progress(client, report)
    worker.finish(record)
    done = progress(client, report)
    report.refresh_from_db()
    assert 'data-state="done"' in done and "hx-get" not in done
    assert "已触达 2 所学校" in done and 'aria-valuenow="100"' in done
    assert f'href="/emergency/alerts/{report.alert_id}/"' in done


def test_it_says_when_the_fan_out_failed(henan, report):
    worker.finish(worker.claim(FIRE), fail=True)
    failed = progress(client_for(henan, "province"), report)
    assert 'data-state="failed"' in failed and "hx-get" not in failed


@pytest.mark.parametrize("persona", ["jinshui_bureau", "school_a_admin", "guardian_a1"])
def test_it_answers_404_out_of_scope_as_for_a_missing_report(henan, report, persona):
    client = client_for(henan, persona)
    assert client.get(f"/emergency/reports/{report.pk}/progress/").status_code == 404
    assert client_for(henan, "province").get(
        f"/emergency/reports/{report.pk + 99}/progress/").status_code == 404
