"""Bearer-token auth for the API, with the token lookup cached per process.

A gate terminal, a sampling station or a parent's app sends the same token with every
request, hundreds a second at a busy gate. Looking the token up and computing the user's
grants took most of a small request's time (a check-in: 5 of 7 ms). So the user a token
stands for, with its grants computed once, is kept for TOKEN_TTL seconds and a repeated
request costs no auth query. A revoked or expired token, or a changed role, therefore takes
effect within TOKEN_TTL seconds in other processes (and at once in the process that revoked
the token, through `forget_tokens`).
"""

import threading
import time

from ninja.security import HttpBearer, SessionAuth

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
    user = api_token_authenticate(raw)  # with its grants, kept for every later request
    if user is not None:
        with _lock:
            if len(_cache) > 10_000:  # many tokens: start again rather than grow
                _cache.clear()
            _cache[key] = (user, now + TOKEN_TTL)
    return user


def forget_tokens() -> None:
    with _lock:
        _cache.clear()


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = cached_token_user(token)
        if user is not None:
            request.user = user
        return user


class SignedInSession(SessionAuth):
    """Django's session, with ninja's CSRF check on unsafe methods. An anonymous request
    is passed over without a CSRF check, so that it ends in a clear 401."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)
