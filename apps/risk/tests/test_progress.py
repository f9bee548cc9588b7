"""A designation's change starts a recompute in the worker; the area's page shows its bar
from the worker's record (apps.core.progress) until it is done; out of scope is a 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.risk.models import RiskArea
from shaodian.testing import worker
from shaodian.testing.outputs import client_for

pytestmark = pytest.mark.django_db
RECOMPUTE = "apps.status.tasks.recompute_for_risk_change"


@pytest.fixture
def designated(world, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for(world, "jinshui_bureau")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("risk:designate"), {
            "region": "金水区", "level": "high", "source": "通告",
            "start": (timezone.localdate() - timedelta(days=2)).isoformat()})
    assert response.status_code == 302
    return client, RiskArea.objects.get()


def bar(client, area) -> str:
    response = client.get(reverse("risk:progress", args=[area.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_area_page_follows_the_recompute_to_done(designated):
    client, area = designated
    page = client.get(reverse("risk:detail", args=[area.pk])).content.decode()
    assert f'hx-get="{reverse("risk:progress", args=[area.pk])}"' in page
    assert 'data-state="queued"' in page[page.index('id="area-progress"'):]
    record = worker.claim(RECOMPUTE)
    assert 'data-state="running"' in bar(client, area)
    persons = worker.finish(record)
    done = bar(client, area)
    assert 'data-state="done"' in done and "hx-get" not in done
    assert f"已重新计算 {persons} 人的状态" in done


def test_it_says_when_the_recompute_failed(designated):
    client, area = designated
    worker.finish(worker.claim(RECOMPUTE), fail=True)
    failed = bar(client, area)
    assert 'data-state="failed"' in failed and "重新计算失败" in failed


@pytest.mark.parametrize("persona", ["student_a1", "guardian_a1"])
def test_it_answers_404_out_of_scope_as_for_a_missing_area(world, designated, persona):
    _client, area = designated
    client = client_for(world, persona)
    assert client.get(reverse("risk:progress", args=[area.pk])).status_code == 404
    assert client_for(world, "jinshui_bureau").get(
        reverse("risk:progress", args=[area.pk + 9])).status_code == 404
