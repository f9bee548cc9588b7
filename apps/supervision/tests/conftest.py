import struct
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.supervision import services


@pytest.fixture(autouse=True)
def photo_dir(settings, tmp_path):
    settings.SUPERVISION_FILES_DIR = tmp_path / "supervision"
    return settings.SUPERVISION_FILES_DIR


def png_bytes() -> bytes:
    """A 1×1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def photo(name="p.png", data=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if data is None else data,
                              content_type="image/png")


def planned(world, *, inspector="jinshui_bureau", school="a"):
    return services.inspection_plan(actor=world.users[inspector],
                                    school_id=world.schools[school].pk,
                                    planned_on=timezone.localdate())


FAILED = {"supplies": "口罩储备不足三天", "ventilation": "教室未按时通风"}


def performed(world, *, inspector="jinshui_bureau", school="a", failed=FAILED):
    """An inspection completed with the given items failed (each with a photo), every other
    passed."""
    inspection = planned(world, inspector=inspector, school=school)
    actor = world.users[inspector]
    for item in inspection.items.all():
        note = failed.get(item.code, "")
        services.inspection_record(actor=actor, inspection_id=inspection.pk, code=item.code,
                                   result="fail" if note else "pass", note=note,
                                   photos=[photo()] if note else [])
    return services.inspection_complete(actor=actor, inspection_id=inspection.pk)


def yesterday():
    return timezone.localdate() - timedelta(days=1)
