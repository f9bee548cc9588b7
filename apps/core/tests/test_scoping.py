"""apps.core.scoping asks a registered provider for a user's grants; core imports no app."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.core import scoping


@pytest.fixture
def provider():
    kept = scoping._grants_provider
    yield scoping.set_grants_provider
    scoping.set_grants_provider(kept)


USER = SimpleNamespace(is_authenticated=True, is_active=True)


def test_it_says_clearly_when_no_provider_is_registered(provider):
    provider(None)
    with pytest.raises(ImproperlyConfigured, match="set_grants_provider"):
        scoping._granted(USER, "people.view")


def test_it_asks_the_registered_provider_and_keeps_the_grants_with_the_permission(provider):
    seen = []
    grants = [SimpleNamespace(permissions={"people.view"}), SimpleNamespace(permissions=set())]
    provider(lambda user: seen.append(user) or grants)
    assert scoping._granted(USER, "people.view") == grants[:1]
    assert seen == [USER]


def test_it_asks_no_provider_for_an_anonymous_or_inactive_user(provider):
    provider(None)
    assert scoping._granted(None, "people.view") == []
    assert scoping._granted(SimpleNamespace(is_authenticated=False, is_active=True), "x") == []
    assert scoping._granted(SimpleNamespace(is_authenticated=True, is_active=False), "x") == []
