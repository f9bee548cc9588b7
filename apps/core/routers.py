"""Reads that tolerate a few seconds' lag go to the replica; everything else to the primary.

With `DATABASE_REPLICA_URL` set, settings add the database alias `replica` (a streaming
standby of the primary, docs/deploy.md) and this router. By default it sends every read and
write to the primary: a read goes to the replica only inside `reads_from_replica()`, which
dashboards, reports, lists and exports wrap around their reads. Even there the primary
answers when

- the request is pinned to it: its browser wrote a moment ago (`PrimaryAfterWriteMiddleware`
  sets a cookie after each POST, PUT, PATCH or DELETE for `REPLICA_PIN_SECONDS`), so a page
  that follows its own write reads what it wrote;
- the request is not a GET or HEAD (a view wrapped with the decorator that is also posted to);
- this request (or task) already wrote through the ORM (a page that records something as
  it renders then reads it), or the primary's connection is inside a transaction;
- there is no replica, or `REPLICA_READS` is off (the suite's default: a test's transaction
  is invisible to a real standby; tests of the replica turn it on).

Raw SQL through `django.db.connection` always runs on the primary; a raw read that may go to
the replica asks `read_alias()` for its connection.
"""

import functools
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
PIN_COOKIE = "shaodian_primary_until"
SAFE_METHODS = ("GET", "HEAD")

_on_replica: ContextVar[bool] = ContextVar("shaodian_reads_on_replica", default=False)
_pinned: ContextVar[bool] = ContextVar("shaodian_reads_pinned_to_primary", default=False)
_wrote: ContextVar[bool] = ContextVar("shaodian_wrote_on_primary", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and settings.REPLICA_READS


def read_alias() -> str:
    """The database a read made now goes to."""
    if not (_on_replica.get() and replica_configured()) or _pinned.get() or _wrote.get():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA


class _ReadsFromReplica:
    """`with reads_from_replica():` or `@reads_from_replica` on a view or a function. On a
    view (the first argument is a request), only its GET and HEAD read the replica."""

    def __enter__(self):
        self._tokens = (_on_replica.set(True), _wrote.set(False))
        return self

    def __exit__(self, *exc):
        on, wrote = self._tokens
        _wrote.reset(wrote)
        _on_replica.reset(on)
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            request = args[0] if args else None
            if getattr(request, "method", "GET") not in SAFE_METHODS:
                return func(*args, **kwargs)
            with _ReadsFromReplica():
                return func(*args, **kwargs)

        return wrapper


def reads_from_replica(func=None):
    """Reads inside may go to the replica (see the module's docstring for when they don't)."""
    guard = _ReadsFromReplica()
    return guard(func) if func is not None else guard


@contextmanager
def reads_from_primary():
    """Reads inside go to the primary, even within `reads_from_replica()`; writes inside
    (a progress counter beside the reads) leave the reads after them on the replica."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        if _on_replica.get() and not _pinned.get():
            _wrote.set(True)  # this read-only stretch wrote: it reads the primary from now on
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA and None


class PrimaryAfterWriteMiddleware:
    """Read-your-own-write for pages: a browser that posted reads the primary for the next
    REPLICA_PIN_SECONDS (a cookie holding the time the pin ends). Without a replica it does
    nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        token = _pinned.set(_pin_in_force(request.COOKIES.get(PIN_COOKIE, "")))
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 500:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(PIN_COOKIE, str(int(time.time()) + seconds), max_age=seconds,
                                httponly=True, samesite="Lax",
                                secure=settings.SESSION_COOKIE_SECURE)
        return response


def _pin_in_force(value: str) -> bool:
    try:
        return int(value) >= time.time()
    except ValueError:
        return False
