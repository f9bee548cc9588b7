"""Inspection photos past settings.SUPERVISION_PHOTO_RETENTION_DAYS go, files and rows, in
the daily retention purge (apps.operations.retention); recent ones and the evidence of a
finding not yet verified stay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.operations.retention import retention_purge
from apps.supervision import photos
from apps.supervision.models import Photo, Rectification

from .conftest import performed

pytestmark = pytest.mark.django_db


def _files():
    return {p.path: photos.full_path(p.path) for p in Photo.objects.all()}


def _aged(inspection, days: int) -> None:
    Photo.objects.filter(inspection=inspection).update(
        uploaded_at=timezone.now() - timedelta(days=days))


def test_old_photos_go_from_disk_and_table_and_recent_ones_stay(world, settings):
    settings.SUPERVISION_PHOTO_RETENTION_DAYS = 365
    old = performed(world)
    recent = performed(world)
    Rectification.objects.update(state="verified")
    _aged(old, 366)
    _aged(recent, 364)
    before = _files()
    assert len(before) == 4 and all(path.exists() for path in before.values())
    assert retention_purge(dry_run=True)["supervision_photos"] == 2
    assert all(path.exists() for path in before.values())
    assert retention_purge()["supervision_photos"] == 2
    assert set(Photo.objects.values_list("inspection_id", flat=True)) == {recent.pk}
    gone = {k: v for k, v in before.items() if k not in _files()}
    assert len(gone) == 2 and not any(path.exists() for path in gone.values())
    assert all(path.exists() for path in _files().values())
    assert retention_purge()["supervision_photos"] == 0  # idempotent


def test_the_evidence_of_a_finding_not_verified_stays_and_zero_keeps_all(world, settings):
    settings.SUPERVISION_PHOTO_RETENTION_DAYS = 30
    inspection = performed(world)
    _aged(inspection, 400)
    Rectification.objects.filter(inspection=inspection).update(state="answered")
    assert retention_purge()["supervision_photos"] == 0
    Rectification.objects.update(state="verified")
    settings.SUPERVISION_PHOTO_RETENTION_DAYS = 0
    assert retention_purge()["supervision_photos"] == 0 and Photo.objects.count() == 2
    settings.SUPERVISION_PHOTO_RETENTION_DAYS = 30
    photos.full_path(Photo.objects.first().path).unlink()  # a file already gone is no error
    assert retention_purge()["supervision_photos"] == 2 and not Photo.objects.exists()
