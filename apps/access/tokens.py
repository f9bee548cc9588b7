"""Bearer-token auth for the gate endpoints, with the token lookup cached per process.

A terminal sends the same token with every scan, hundreds a second at a busy gate. The
shared auth (shaodian/api.py) reads the token and the user's grants on every request; here
the user a token stands for, with its grants computed once, is kept for TOKEN_TTL seconds,
so a scan costs no auth query. A revoked or expired token therefore stops working within
TOKEN_TTL seconds (and at once in the process that revoked it, through `forget_tokens`).
"""

import threading
import time

from ninja.security import HttpBearer, SessionAuth

from apps.access.grants import grants_for
from apps.access.services import api_token_authenticate, token_hash

TOKEN_TTL = 30.0  # seconds
_cache: dict[str, tuple[object, float]] = {}  # sha256 of the token -> (user, expiry)
_lock = threading.Lock()


def cached_token_user(raw: str):
    key = token_hash(raw)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit and hit[1] > now:
        return hit[0]
    user = api_token_authenticate(raw)
    if user is not None:
        grants_for(user)  # computed now, kept on the user object for every later request
        with _lock:
            if len(_cache) > 10_000:  # many tokens: start again rather than grow
                _cache.clear()
            _cache[key] = (user, now + TOKEN_TTL)
    return user


def forget_tokens() -> None:
    with _lock:
        _cache.clear()


class CachedBearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = cached_token_user(token)
        if user is not None:
            request.user = user
        return user


class SignedInSession(SessionAuth):
    """The browser's session with ninja's CSRF check (as shaodian.api's; defined here so that
    this app's API module imports without shaodian.api, which imports it)."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)
