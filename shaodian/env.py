"""Typed helpers that read settings from the environment (healthchecks style).

Every setting Shaodian has is read here, once, with its type and default, so a
deployment is configured by environment variables alone.
"""

import base64
import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def dev_secrets(path: Path) -> dict[str, str]:
    """Secrets for a development or demo machine, made once and kept in the data folder.

    Production sets SHAODIAN_SECRET_KEY, SHAODIAN_FIELD_KEY, SHAODIAN_HASH_KEY and
    SHAODIAN_CODE_KEY itself; this only spares a developer from inventing four keys.
    """
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    values = {
        "SHAODIAN_SECRET_KEY": secrets.token_urlsafe(50),
        "SHAODIAN_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "SHAODIAN_HASH_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "SHAODIAN_CODE_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    path.write_text(json.dumps(values, indent=2))
    path.chmod(0o600)
    return values


def _decode_key(name: str, raw: str) -> bytes:
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must be 32 bytes, base64-encoded")
    return key


def env_key(name: str, fallback: dict[str, str]) -> bytes:
    """A 32-byte key given base64-encoded in the environment."""
    raw = os.environ.get(name) or fallback.get(name)
    if not raw:
        raise ImproperlyConfigured(f"{name} is not set (a 32-byte key, base64-encoded)")
    return _decode_key(name, raw)


def env_keys(name: str) -> list[bytes]:
    """Comma-separated 32-byte keys, base64-encoded (old keys still read during a rotation)."""
    return [_decode_key(name, raw) for raw in env_list(name, [])]
