"""Inspection photos: checked (size, and the type read from the file's first bytes, never from
its name or the browser's word) and stored under settings.SUPERVISION_FILES_DIR, one
directory per school; read back only by the scoped photo page and API endpoint."""

import uuid
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from apps.core.errors import FieldError

# first bytes -> (content type, file extension)
KINDS = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
MAX_PHOTOS = 6  # per answer or item


def kind_of(head: bytes) -> tuple[str, str] | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return next(((ctype, ext) for magic, ctype, ext in KINDS if head.startswith(magic)), None)


def read_checked(field: str, files) -> tuple[list[tuple[bytes, str, str]], list[FieldError]]:
    """Each upload's bytes, content type and extension, or the errors naming `field`."""
    limit = settings.SUPERVISION_PHOTO_MAX_BYTES
    files = list(files or ())
    if len(files) > MAX_PHOTOS:
        return [], [FieldError(field, "too_many", _("At most %(n)d photos at a time.")
                               % {"n": MAX_PHOTOS})]
    read, errors = [], []
    for upload in files:
        if upload.size > limit:
            errors.append(FieldError(field, "too_large", _(
                "A photo may be at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)}))
            continue
        data = upload.read(limit + 1)
        kind = kind_of(data[:16])
        if kind is None or len(data) > limit:
            errors.append(FieldError(field, "bad_type", _(
                "Only JPEG, PNG or WebP photos can be uploaded.")))
            continue
        read.append((data, *kind))
    return read, errors


def store(school_id: int, data: bytes, ext: str, *, root=None) -> str:
    """Write the photo under `root` (inspection photos: SUPERVISION_FILES_DIR; the delivery
    point's: PARCELS_FILES_DIR); returns its path relative to the directory."""
    relative = f"{int(school_id)}/{uuid.uuid4().hex}.{ext}"
    path = Path(root or settings.SUPERVISION_FILES_DIR) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return relative


def full_path(relative: str, *, root=None) -> Path:
    root = Path(root or settings.SUPERVISION_FILES_DIR).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise FileNotFoundError(relative)
    return path


def response(photo, *, root=None) -> FileResponse:
    """The photo's file, for the page and the API alike: never kept by a shared cache, never
    sniffed as anything but its checked type; 404 when its file is gone."""
    try:
        handle = full_path(photo.path, root=root).open("rb")
    except OSError as exc:
        raise Http404 from exc
    answer = FileResponse(handle, content_type=photo.content_type)
    answer["Cache-Control"] = "private, max-age=3600"
    answer["X-Content-Type-Options"] = "nosniff"
    return answer
