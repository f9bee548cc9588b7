"""Field encryption and keyed hashes."""

import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from apps.core.crypto import (
    CiphertextError,
    KeyMissing,
    current_header,
    decrypt_text,
    document_hashes,
    encrypt_text,
    key_id,
    keyed_hash,
    keyed_hashes,
)


def test_it_round_trips_text():
    assert decrypt_text(encrypt_text("11010519491231002X")) == "11010519491231002X"


def test_it_never_stores_the_plaintext_and_never_repeats_a_ciphertext():
    first, second = encrypt_text("11010519491231002X"), encrypt_text("11010519491231002X")
    assert first != second
    assert b"11010519491231002X" not in first


def test_it_refuses_a_tampered_ciphertext():
    blob = bytearray(encrypt_text("11010519491231002X"))
    blob[-1] ^= 1
    with pytest.raises(CiphertextError):
        decrypt_text(bytes(blob))


def test_it_refuses_an_unknown_version():
    with pytest.raises(ValueError, match="version"):
        decrypt_text(b"\x09" + encrypt_text("x")[1:])


def test_it_binds_the_context():
    with pytest.raises(CiphertextError):
        decrypt_text(encrypt_text("x", context=b"person"), context=b"household")


def test_it_uses_keys_of_its_own():
    assert settings.FIELD_ENCRYPTION_KEY != settings.FIELD_HASH_KEY
    secret = settings.SECRET_KEY.encode()
    assert secret not in (settings.FIELD_ENCRYPTION_KEY, settings.FIELD_HASH_KEY)


def test_it_hashes_the_normalised_number():
    expected = keyed_hash("11010519491231002X")
    assert keyed_hash(" 11010519491231002x ") == expected
    assert keyed_hash("１１０１０５１９４９１２３１００２Ｘ") == expected
    assert keyed_hash("110105194912310021") != expected
    assert len(expected) == 64


def test_it_hashes_both_forms_of_a_legacy_id():
    assert document_hashes("110105491231002") == [
        keyed_hash("110105491231002"), keyed_hash("11010519491231002X")]
    assert document_hashes("E12345678") == [keyed_hash("E12345678")]


def test_it_hashes_under_the_key(settings):
    before = keyed_hash("E12345678")
    settings.FIELD_HASH_KEY = b"k" * 32
    assert keyed_hash("E12345678") != before


# Key rotation ---------------------------------------------------------------------------

OLD, NEW = b"o" * 32, b"n" * 32


def _v1(plaintext: str, key: bytes) -> bytes:
    """A ciphertext as written before rotation existed: 0x01 | nonce | sealed."""
    nonce = os.urandom(12)
    return b"\x01" + nonce + AESGCM(key).encrypt(nonce, plaintext.encode(), b"")


@pytest.mark.parametrize(("sealed_under", "current", "old"), [
    ("v1", OLD, []),              # version 1 under the current key, no rotation
    ("v1", NEW, [OLD]),           # version 1, rotation started
    ("v2", NEW, [OLD]),           # version 2 under the old key, rotation started
    ("v2", OLD, [b"x" * 32, NEW]),  # several old keys
])
def test_it_reads_old_ciphertexts_while_a_rotation_runs(settings, sealed_under, current, old):
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_KEYS_OLD = OLD, []
    blob = _v1("E12345678", OLD) if sealed_under == "v1" else encrypt_text("E12345678")
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_KEYS_OLD = current, old
    assert decrypt_text(blob) == "E12345678"


def test_it_seals_under_the_current_key_and_names_it(settings):
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_KEYS_OLD = NEW, [OLD]
    blob = encrypt_text("E12345678")
    assert blob.startswith(current_header())
    assert blob[1:5] == key_id(NEW, "field") != key_id(OLD, "field")
    settings.FIELD_ENCRYPTION_KEYS_OLD = []
    assert decrypt_text(blob) == "E12345678"


@pytest.mark.parametrize(("sealed_under", "error"), [
    ("v1", CiphertextError), ("v2", KeyMissing)])
def test_it_names_the_setting_when_the_sealing_key_is_gone(settings, sealed_under, error):
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_KEYS_OLD = OLD, []
    blob = _v1("E12345678", OLD) if sealed_under == "v1" else encrypt_text("E12345678")
    settings.FIELD_ENCRYPTION_KEY = NEW
    with pytest.raises(error, match="SHAODIAN_FIELD_KEYS_OLD") as raised:
        decrypt_text(blob)
    assert raised.value.__context__ is None  # no crypto internals chained to it
    assert "E12345678" not in str(raised.value) and OLD.hex() not in str(raised.value)


def test_it_refuses_a_rewritten_header(settings):
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_KEYS_OLD = NEW, [OLD]
    blob = bytearray(encrypt_text("E12345678"))
    blob[5:9] = key_id(OLD, "hash")  # the hash key id is authenticated too
    with pytest.raises(CiphertextError):
        decrypt_text(bytes(blob))


def test_it_looks_up_under_the_current_and_the_old_hash_keys(settings):
    settings.FIELD_HASH_KEY, settings.FIELD_HASH_KEYS_OLD = OLD, []
    before = document_hashes("110105491231002")
    settings.FIELD_HASH_KEY, settings.FIELD_HASH_KEYS_OLD = NEW, [OLD]
    after = document_hashes("110105491231002")
    assert after[:2] == [keyed_hash("110105491231002"), keyed_hash("11010519491231002X")]
    assert after[2:] == before and keyed_hashes("110105491231002") == [after[0], before[0]]
