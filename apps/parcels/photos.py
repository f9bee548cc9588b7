"""Photos of a batch (optional): checked, stored and served as inspection photos are
(apps.supervision.photos: size, and the type read from the first bytes), under
settings.PARCELS_FILES_DIR, one directory per school, read back only by the scoped photo page."""

from django.conf import settings

from apps.supervision import photos as inspection_photos
from apps.supervision.photos import MAX_PHOTOS, read_checked

__all__ = ["MAX_PHOTOS", "read_checked", "response", "store"]


def store(school_id: int, data: bytes, ext: str) -> str:
    return inspection_photos.store(school_id, data, ext, root=settings.PARCELS_FILES_DIR)


def response(photo):
    return inspection_photos.response(photo, root=settings.PARCELS_FILES_DIR)
