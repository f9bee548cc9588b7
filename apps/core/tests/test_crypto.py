"""Field encryption and keyed hashes."""

import pytest
from cryptography.exceptions import InvalidTag
from django.conf import settings

from apps.core.crypto import decrypt_text, document_hashes, encrypt_text, keyed_hash


def test_it_round_trips_text():
    assert decrypt_text(encrypt_text("11010519491231002X")) == "11010519491231002X"


def test_it_never_stores_the_plaintext_and_never_repeats_a_ciphertext():
    first, second = encrypt_text("11010519491231002X"), encrypt_text("11010519491231002X")
    assert first != second
    assert b"11010519491231002X" not in first


def test_it_refuses_a_tampered_ciphertext():
    blob = bytearray(encrypt_text("11010519491231002X"))
    blob[-1] ^= 1
    with pytest.raises(InvalidTag):
        decrypt_text(bytes(blob))


def test_it_refuses_an_unknown_version():
    with pytest.raises(ValueError, match="version"):
        decrypt_text(b"\x09" + encrypt_text("x")[1:])


def test_it_binds_the_context():
    with pytest.raises(InvalidTag):
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
