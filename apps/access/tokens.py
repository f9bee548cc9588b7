"""Bearer-token auth for the API, with the token lookup cached per process, and checked
against the database at every request.

A gate terminal, a sampling station or a parent's app sends the same token with every
request, hundreds a second at a busy gate. Looking the token up and computing the user's
grants took most of a small request's time (a check-in: 5 of 7 ms). So the user a token
stands for, with its grants computed once, is kept for TOKEN_TTL seconds. Each request that
finds it still checks, with one prepared primary-key read, that the token is not revoked,
the user is active and the user's `access_version` is the one the grants were read at (it
changes in the same transaction as any role, class, guardianship or task-force change:
apps.access.freshness): a revoke or a role change takes effect at the next request in every
process. A role's last day passing ends the cached copy at the next local midnight. What
TOKEN_TTL still bounds is data the grants carry but no version counts (a child moved to
another class, a school renamed).
"""

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as day_time
from functools import lru_cache

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from apps.access.services import api_token_authenticate, token_hash
from apps.core.db import prepared_cursor

TOKEN_TTL = 30.0  # seconds
_lock = threading.Lock()

# The token's row, its user's state and version: primary keys only (one index lookup each).
_CURRENT_SQL = ("SELECT u.access_version FROM access_apitoken t JOIN access_user u "
                "ON u.id = t.user_id WHERE t.id = %s AND t.revoked_at IS NULL AND u.is_active")


@dataclass(frozen=True)
class _Kept:
    user: object
    version: int
    until: float  # time.monotonic(): TOKEN_TTL after it was read
    day_ends: float  # time.time() of the next local midnight: a role's last day may pass


_cache: dict[str, _Kept] = {}  # sha256 of the token -> what it was read as


def _next_midnight() -> float:
    zone = timezone.get_current_timezone()
    return _midnight_after(timezone.localdate(timezone=zone), zone)


@lru_cache(maxsize=4)  # worked out once a day, not for every new token
def _midnight_after(today, zone) -> float:
    tomorrow = today + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, day_time.min), zone).timestamp()


def _still_current(kept: _Kept) -> bool:
    with prepared_cursor() as cursor:  # planned once per connection
        cursor.execute(_CURRENT_SQL, [kept.user._shaodian_token_id])
        row = cursor.fetchone()
    return row is not None and row[0] == kept.version


def cached_token_user(raw: str):
    key = token_hash(raw)
    kept = _cache.get(key)
    if kept and kept.until > time.monotonic() and time.time() < kept.day_ends and (
            _still_current(kept)):
        return kept.user
    user = api_token_authenticate(raw)  # with its grants, kept for every later request
    if user is not None:
        with _lock:
            if len(_cache) > 10_000:  # many tokens: start again rather than grow
                _cache.clear()
            _cache[key] = _Kept(user, user.access_version, time.monotonic() + TOKEN_TTL,
                                _next_midnight())
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
