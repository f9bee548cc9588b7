"""Keys read from the environment (shaodian/env.py): a missing or bad one names its setting."""

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from shaodian.env import env_key, env_keys

OLD, NEW = b"o" * 32, b"n" * 32


@pytest.mark.parametrize(("value", "message"), [
    (None, "SHAODIAN_FIELD_KEY is not set"),
    ("not base64!", "SHAODIAN_FIELD_KEY must be 32 bytes"),
    (base64.b64encode(b"short").decode(), "SHAODIAN_FIELD_KEY must be 32 bytes"),
])
def test_it_names_the_setting_of_a_missing_or_bad_key(monkeypatch, value, message):
    monkeypatch.delenv("SHAODIAN_FIELD_KEY", raising=False)
    if value is not None:
        monkeypatch.setenv("SHAODIAN_FIELD_KEY", value)
    with pytest.raises(ImproperlyConfigured, match=message):
        env_key("SHAODIAN_FIELD_KEY", {})


def test_it_reads_old_keys_as_a_comma_separated_list(monkeypatch):
    keys = [base64.b64encode(k).decode() for k in (OLD, NEW)]
    monkeypatch.setenv("SHAODIAN_HASH_KEYS_OLD", f"{keys[0]}, {keys[1]}")
    assert env_keys("SHAODIAN_HASH_KEYS_OLD") == [OLD, NEW]
    monkeypatch.setenv("SHAODIAN_HASH_KEYS_OLD", f"{keys[0]},bad")
    with pytest.raises(ImproperlyConfigured, match="SHAODIAN_HASH_KEYS_OLD"):
        env_keys("SHAODIAN_HASH_KEYS_OLD")
