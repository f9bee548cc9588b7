"""Workbooks written by the worker (apps.reports.exports): queued on commit, run once,
progress committed as it goes, the file its requester's only, gone once expired."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.access.models import AccessLog
from apps.reports import exports, tasks
from apps.reports.models import ExportJob, ExportState
from shaodian.testing.outputs import client_for
from shaodian.testing.worker import run_queued

pytestmark = pytest.mark.django_db
KIND = "emergency_readiness"


def asked(world, persona="province") -> ExportJob:
    return exports.export_request(user=world.users[persona], kind=KIND, params={})


def test_it_is_queued_on_commit_and_run_once_by_the_worker(
        world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = asked(world)
    assert run_queued("apps.reports.tasks.run_export") == ["done"]
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (ExportState.DONE, 2, 2)
    assert exports.export_path(job.pk).stat().st_mode & 0o777 == 0o600
    assert tasks.run_export.call(job.pk) == "done before"
    assert AccessLog.objects.count() == 1


def test_its_page_shows_the_bar_from_what_the_worker_committed(world):
    job = asked(world)
    client = client_for(world, "province", "en")
    page = client.get(reverse("reports:export_job", args=[job.pk])).content.decode()
    assert 'id="export-progress"' in page and 'data-state="queued"' in page
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.RUNNING, done=300, total=1200)
    bar = client.get(reverse("reports:export_progress", args=[job.pk])).content.decode()
    assert 'aria-valuenow="25"' in bar and "300 of 1200 done" in bar
    assert "hx-trigger" in bar
    tasks.run_export.call(job.pk)  # claimed already: left alone
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.QUEUED)
    tasks.run_export.call(job.pk)
    bar = client.get(reverse("reports:export_progress", args=[job.pk])).content.decode()
    assert 'data-state="done"' in bar and "hx-trigger" not in bar
    assert reverse("reports:export_file", args=[job.pk]) in bar


@pytest.mark.parametrize("persona", ["luoyang_bureau", "school_a_admin", "guardian_a1"])
def test_the_job_and_its_file_are_the_requesters_only(world, persona):
    job = asked(world)
    tasks.run_export.call(job.pk)
    client = client_for(world, persona)
    for name in ("export_job", "export_progress", "export_file"):
        assert client.get(reverse(f"reports:{name}", args=[job.pk])).status_code == 404


def test_it_is_refused_at_once_to_whoever_holds_no_bureau(world):
    with pytest.raises(exports.Http404):
        asked(world, "school_a_admin")
    with pytest.raises(exports.Http404):
        exports.export_request(user=world.users["province"], kind="nothing", params={})
    assert not ExportJob.objects.exists()


def test_a_right_lost_before_the_worker_runs_fails_the_job_unlogged(world):
    job = asked(world, "luoyang_bureau")
    world.users["luoyang_bureau"].roles.all().delete()
    assert tasks.run_export.call(job.pk) == "failed"
    assert not exports.export_path(job.pk).exists() and not AccessLog.objects.exists()
    bar = client_for(world, "luoyang_bureau").get(
        reverse("reports:export_progress", args=[job.pk])).content.decode()
    assert 'data-state="failed"' in bar


def test_an_expired_workbook_is_gone_with_its_job(world, settings):
    old, new = asked(world), asked(world, "luoyang_bureau")
    for job in (old, new):
        tasks.run_export.call(job.pk)
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.EXPORT_FILES_KEEP_HOURS + 1))
    client = client_for(world, "province")
    assert client.get(reverse("reports:export_file", args=[old.pk])).status_code == 404
    assert tasks.prune_exports.call() == 1
    assert tasks.prune_exports.call() == 0
    assert not exports.export_path(old.pk).exists() and exports.export_path(new.pk).exists()
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [new.pk]
