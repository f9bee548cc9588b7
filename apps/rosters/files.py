"""Files the roster import and export keep between a request and the worker.

An upload is kept, encrypted (`core.crypto`, under the field key: a roster is a list of ID
numbers), from its check until its import, then deleted; an export until it is downloaded
or grows old. Progress is a small JSON file per job, written by the worker and read by the
page's polling: it is not worth a database write per thousand rows, and a write inside the
import's transaction would not be visible before it commits anyway.
"""

import json
import os
import time
from pathlib import Path

from django.conf import settings

from apps.core.crypto import decrypt_bytes, encrypt_bytes


def _dir(part: str) -> Path:
    path = Path(settings.ROSTER_FILES_DIR) / part
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _write_private(path: Path, data: bytes) -> None:
    """Written whole under a temporary name, then renamed: a reader never sees half."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def upload_store(import_id: int, data: bytes) -> str:
    """Keep an upload (encrypted) for the worker; returns its stored name."""
    name = f"upload-{import_id}.bin"
    _write_private(_dir("uploads") / name, encrypt_bytes(data, context=_context(import_id)))
    return name


def upload_load(import_id: int, name: str) -> bytes:
    """The upload as it was sent; FileNotFoundError once it has been deleted."""
    blob = (_dir("uploads") / Path(name).name).read_bytes()
    return decrypt_bytes(blob, context=_context(import_id))


def _context(import_id: int) -> bytes:
    return f"roster-upload:{import_id}".encode()  # a file cannot pass for another import's


def upload_delete(name: str) -> None:
    if name:
        (_dir("uploads") / Path(name).name).unlink(missing_ok=True)
    if name.startswith("upload-"):  # the rows its check kept go with it
        (_dir("uploads") / Path(name).name.replace("upload-", "checked-", 1)).unlink(
            missing_ok=True)


def checked_store(import_id: int, data: bytes) -> None:
    """Keep the rows a check read and found right (encrypted, as the upload: they hold the
    ID numbers), for the import to take instead of reading and checking the file again.
    Deleted with the upload (upload_delete)."""
    _write_private(_checked_path(import_id),
                   encrypt_bytes(data, context=_checked_context(import_id)))


def _checked_path(import_id: int) -> Path:
    return _dir("uploads") / f"checked-{import_id}.bin"


def _checked_context(import_id: int) -> bytes:
    return f"roster-checked:{import_id}".encode()


def checked_load(import_id: int) -> bytes | None:
    """The rows the check kept, or None (none kept, or pruned)."""
    try:
        blob = _checked_path(import_id).read_bytes()
    except FileNotFoundError:
        return None
    return decrypt_bytes(blob, context=_checked_context(import_id))


def export_path(export_id: int) -> Path:
    return _dir("exports") / f"export-{export_id}.xlsx"


# Progress ------------------------------------------------------------------------------


def _progress_path(key: str) -> Path:
    return _dir("progress") / f"{key}.json"


class Progress:
    """How far a job is: `step(done)` writes at most twice a second."""

    def __init__(self, key: str, phase: str, total: int, *, interval: float = 0.5):
        self.key, self.phase, self.total, self.interval = key, phase, total, interval
        self._written = 0.0
        self.write(0)

    def step(self, done: int) -> None:
        now = time.monotonic()
        if now - self._written >= self.interval:
            self.write(done)
            self._written = now

    def write(self, done: int) -> None:
        data = {"phase": self.phase, "done": done, "total": self.total}
        _write_private(_progress_path(self.key), json.dumps(data).encode())


def progress_read(key: str) -> dict | None:
    try:
        return json.loads(_progress_path(key).read_bytes())
    except (FileNotFoundError, ValueError):
        return None


def progress_clear(key: str) -> None:
    _progress_path(key).unlink(missing_ok=True)


def files_prune(*, older_than_seconds: float, keep: set[str]) -> int:
    """Delete stored files older than the limit, except those named in `keep` (uploads
    still waiting to be imported). Returns how many went."""
    limit, removed = time.time() - older_than_seconds, 0
    for part in ("uploads", "exports", "progress"):
        for path in _dir(part).iterdir():
            kept = path.name in keep or path.name.replace("checked-", "upload-", 1) in keep
            if not kept and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
