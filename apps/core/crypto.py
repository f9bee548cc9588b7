"""Field encryption and keyed hashes for personal data (ID numbers), with key rotation.

AES-256-GCM with a key of its own (SHAODIAN_FIELD_KEY, never SECRET_KEY). Beside each
ciphertext sits an HMAC-SHA256 under another key (SHAODIAN_HASH_KEY): exact lookup without
decrypting, and no dictionary attack on the 18-digit space without the key.

Several keys at once: the current ones seal and hash; old ones (SHAODIAN_FIELD_KEYS_OLD,
SHAODIAN_HASH_KEYS_OLD) are still read, so `manage.py rotate_keys` can rewrite rows in
batches while the site runs. A ciphertext says which keys it was written under:

    version 2: 0x02 | field key id (4) | hash key id (4) | nonce (12) | AES-GCM(text) + tag

A key id is the first 4 bytes of SHA-256 over a label and the key (it reveals nothing of the
key); the 9-byte header is authenticated with the context. The field key id picks the key
that opens it; the hash key id says under which hash key the row's hashes were written, so
a row is rotated exactly when its header is not `current_header()`. Version 1
(0x01 | nonce | sealed, from before rotation) names no key: each field key is tried.
"""

import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from apps.core.identity import equivalent_documents, normalize_document

_V1, _V2 = b"\x01", b"\x02"
_ID_BYTES = 4
_NONCE_BYTES = 12
HEADER_BYTES = 1 + 2 * _ID_BYTES
FIELD_SETTINGS = "SHAODIAN_FIELD_KEY or SHAODIAN_FIELD_KEYS_OLD"


class KeyMissing(ImproperlyConfigured):
    """A ciphertext names a key that is not configured (its id is safe to show)."""


class CiphertextError(ValueError):
    """A ciphertext does not open: altered, sealed for another field, or under a lost key."""


def key_id(key: bytes, kind: str) -> bytes:
    return hashlib.sha256(f"shaodian {kind} key id:".encode() + key).digest()[:_ID_BYTES]


@lru_cache(maxsize=16)
def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


@lru_cache(maxsize=16)
def _ring(current: bytes, old: tuple[bytes, ...], kind: str) -> dict[bytes, bytes]:
    """Key id -> key, current first; two keys with one id is a configuration error."""
    ring = {}
    for key in (current, *old):
        kid = key_id(key, kind)
        if ring.get(kid, key) != key:
            raise ImproperlyConfigured(f"two {kind} keys share the id {kid.hex()}: make a new key")
        ring[kid] = key
    return ring


def _field_ring() -> dict[bytes, bytes]:
    return _ring(settings.FIELD_ENCRYPTION_KEY,
                 tuple(settings.FIELD_ENCRYPTION_KEYS_OLD), "field")


def _hash_keys() -> list[bytes]:
    """The current hash key first, then the old ones still accepted for lookups."""
    ring = _ring(settings.FIELD_HASH_KEY, tuple(settings.FIELD_HASH_KEYS_OLD), "hash")
    return list(ring.values())


def current_header() -> bytes:
    """The header every ciphertext written now starts with (rows without it need rotating)."""
    return _header(settings.FIELD_ENCRYPTION_KEY, settings.FIELD_HASH_KEY)


@lru_cache(maxsize=16)  # once per key pair, not two SHA-256 per ciphertext (a roster: 1 M)
def _header(field_key: bytes, hash_key: bytes) -> bytes:
    return _V2 + key_id(field_key, "field") + key_id(hash_key, "hash")


def encrypt_bytes(plaintext: bytes, *, context: bytes = b"") -> bytes:
    header, nonce = current_header(), os.urandom(_NONCE_BYTES)
    sealed = _aead(settings.FIELD_ENCRYPTION_KEY).encrypt(nonce, plaintext, header + context)
    return header + nonce + sealed


def decrypt_bytes(ciphertext: bytes, *, context: bytes = b"") -> bytes:
    blob = bytes(ciphertext)
    if blob[:1] == _V2:
        header, body = blob[:HEADER_BYTES], blob[HEADER_BYTES:]
        kid = header[1:1 + _ID_BYTES]
        key = _field_ring().get(kid)
        if key is None:
            raise KeyMissing(
                f"a ciphertext was sealed under field key {kid.hex()}, which is neither "
                f"SHAODIAN_FIELD_KEY nor in SHAODIAN_FIELD_KEYS_OLD: put that key back in "
                f"SHAODIAN_FIELD_KEYS_OLD and run manage.py rotate_keys")
        return _open([key], body, header + context, f"field key {kid.hex()}")
    if blob[:1] == _V1:  # no key named: the one that sealed it may be current or old
        return _open(list(_field_ring().values()), blob[1:], context,
                     f"{FIELD_SETTINGS} (or the key that sealed it was left out)")
    raise CiphertextError("unknown ciphertext version")


def _open(keys: list[bytes], body: bytes, aad: bytes, named: str) -> bytes:
    nonce, sealed = body[:_NONCE_BYTES], body[_NONCE_BYTES:]
    for key in keys:
        try:
            return _aead(key).decrypt(nonce, sealed, aad)
        except InvalidTag:
            continue
    raise CiphertextError(
        f"a ciphertext does not open under {named}: altered, or sealed for another field")


def encrypt_text(plaintext: str, *, context: bytes = b"") -> bytes:
    return encrypt_bytes(plaintext.encode(), context=context)


def decrypt_text(ciphertext: bytes, *, context: bytes = b"") -> str:
    return decrypt_bytes(ciphertext, context=context).decode()


def _hmac(key: bytes, normalized: str) -> str:
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()


def keyed_hash(value: str) -> str:
    """Searchable hash of a document number under the current hash key: trimmed,
    upper-cased (`x` = `X`), full-width folded. New rows store this one."""
    return _hmac(settings.FIELD_HASH_KEY, normalize_document(value))


def keyed_hashes(value: str) -> list[str]:
    """The value's hash under the current key, then under each old key still accepted."""
    normalized = normalize_document(value)
    return [_hmac(key, normalized) for key in _hash_keys()]


def document_hashes(number: str) -> list[str]:
    """Keyed hashes of a document number and of its other form (15 <-> 18 digits): under the
    current key first (the number's own hash first of all), then under each old key, so a
    lookup finds rows not yet rotated."""
    forms = equivalent_documents(normalize_document(number))
    return [_hmac(key, form) for key in _hash_keys() for form in forms]
