"""A delivery batch's photos go past the pack's retention_parcel_photos_days (routine: 30
days from their upload), files first, then rows, in the daily retention purge
(apps.operations.retention); the batch stays, and recent photos."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.operations.retention import retention_purge
from apps.parcels import services
from apps.parcels.models import ParcelBatch, ParcelPhoto
from apps.supervision.photos import full_path

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _batch(world, days_ago: int, school="a", photos=2):
    admin = "school_a_admin" if school == "a" else "school_b_admin"
    batch = services.batch_receive(
        actor=world.users[admin], school_id=world.schools[school].pk, count=3,
        photos=[SimpleUploadedFile(f"p{n}.png", PNG, "image/png") for n in range(photos)])
    batch.photos.update(uploaded_at=timezone.now() - timedelta(days=days_ago))
    return batch


def _file(photo):
    from django.conf import settings

    return full_path(photo.path, root=settings.PARCELS_FILES_DIR)


def test_old_photos_go_from_disk_and_table_and_the_batch_stays(world):
    old, recent = _batch(world, 31), _batch(world, 29)
    files = {p.pk: _file(p) for p in ParcelPhoto.objects.all()}
    assert len(files) == 4 and all(f.exists() for f in files.values())
    assert retention_purge(dry_run=True)["parcel_photos"] == 2
    assert all(f.exists() for f in files.values())
    assert retention_purge()["parcel_photos"] == 2
    assert set(ParcelPhoto.objects.values_list("batch_id", flat=True)) == {recent.pk}
    kept = set(ParcelPhoto.objects.values_list("pk", flat=True))
    assert all(f.exists() == (pk in kept) for pk, f in files.items())
    assert ParcelBatch.objects.filter(pk=old.pk).exists()
    assert retention_purge()["parcel_photos"] == 0  # idempotent


def test_a_file_already_gone_is_no_error_and_a_school_may_keep_less(world):
    from apps.policy.services import policy_override_set

    policy_override_set(actor=world.users["school_a_admin"], node=world.schools["a"],
                        param="retention_parcel_photos_days", value=7, reason="学校规定")
    a, b = _batch(world, 10, photos=1), _batch(world, 10, school="b", photos=1)
    _file(a.photos.get()).unlink()
    assert retention_purge()["parcel_photos"] == 1
    assert list(ParcelPhoto.objects.values_list("batch_id", flat=True)) == [b.pk]
