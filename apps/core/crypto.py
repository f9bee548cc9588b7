"""Field encryption and keyed hashes for personal data (ID numbers).

AES-256-GCM with a key of its own (SHAODIAN_FIELD_KEY, never SECRET_KEY); a version byte
leads every ciphertext so keys can be rotated. Beside each ciphertext sits an HMAC-SHA256
under another key (SHAODIAN_HASH_KEY): exact lookup without decrypting, and no dictionary
attack on the 18-digit space without the key.
"""

import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from apps.core.identity import equivalent_documents, normalize_document

_VERSION = b"\x01"
_NONCE_BYTES = 12


@lru_cache(maxsize=4)
def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


def encrypt_text(plaintext: str, *, context: bytes = b"") -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _aead(settings.FIELD_ENCRYPTION_KEY).encrypt(nonce, plaintext.encode(), context)
    return _VERSION + nonce + sealed


def decrypt_text(ciphertext: bytes, *, context: bytes = b"") -> str:
    blob = bytes(ciphertext)
    if blob[:1] != _VERSION:
        raise ValueError("unknown ciphertext version")
    nonce, sealed = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
    return _aead(settings.FIELD_ENCRYPTION_KEY).decrypt(nonce, sealed, context).decode()


def keyed_hash(value: str) -> str:
    """Searchable hash of a document number: trimmed, upper-cased (`x` = `X`), full-width folded."""
    normalized = normalize_document(value)
    return hmac.new(settings.FIELD_HASH_KEY, normalized.encode(), hashlib.sha256).hexdigest()


def document_hashes(number: str) -> list[str]:
    """Keyed hashes of a document number and of its other form (15 <-> 18 digits)."""
    return [keyed_hash(n) for n in equivalent_documents(normalize_document(number))]
