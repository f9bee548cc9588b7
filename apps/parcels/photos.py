"""Photos of a batch (optional): checked as inspection photos are (apps.supervision.photos:
size, and the type read from the first bytes), stored under settings.PARCELS_FILES_DIR, one
directory per school, and read back only by the scoped photo page."""

import uuid
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404

from apps.supervision.photos import MAX_PHOTOS, read_checked

__all__ = ["MAX_PHOTOS", "read_checked", "response", "store"]


def store(school_id: int, data: bytes, ext: str) -> str:
    """Write the photo; returns its path relative to the directory."""
    relative = f"{int(school_id)}/{uuid.uuid4().hex}.{ext}"
    path = Path(settings.PARCELS_FILES_DIR) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return relative


def full_path(relative: str) -> Path:
    root = Path(settings.PARCELS_FILES_DIR).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise FileNotFoundError(relative)
    return path


def response(photo) -> FileResponse:
    """The photo's file, private, never sniffed; 404 when its file is gone."""
    try:
        handle = full_path(photo.path).open("rb")
    except OSError as exc:
        raise Http404 from exc
    answer = FileResponse(handle, content_type=photo.content_type)
    answer["Cache-Control"] = "private, max-age=3600"
    answer["X-Content-Type-Options"] = "nosniff"
    return answer
