"""apps.core.routers: which database a read goes to, on any database (the replica itself is
tried in tests/core/test_replica.py, on PostgreSQL with a real standby)."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from apps.core import routers
from apps.core.routers import (
    PIN_COOKIE,
    PrimaryAfterWriteMiddleware,
    ReplicaRouter,
    read_alias,
    reads_from_primary,
    reads_from_replica,
)


@pytest.fixture
def replica(monkeypatch):
    """As if DATABASE_REPLICA_URL were set and replica reads on (no query is made here)."""
    monkeypatch.setattr(routers, "replica_configured", lambda: True)


def test_it_reads_the_primary_without_a_replica():
    assert read_alias() == "default"
    with reads_from_replica():
        assert read_alias() == "default"


def test_it_reads_the_replica_only_where_asked(replica):
    assert read_alias() == "default"
    with reads_from_replica():
        assert read_alias() == "replica"
        with reads_from_primary():
            assert read_alias() == "default"
        assert read_alias() == "replica"
    assert read_alias() == "default"


def test_it_reads_the_primary_after_a_write_in_the_same_stretch(replica):
    router = ReplicaRouter()
    with reads_from_replica():
        with reads_from_primary():  # a progress counter: the reads stay on the replica
            assert router.db_for_write(None) == "default"
        assert read_alias() == "replica"
        assert router.db_for_write(None) == "default"
        assert read_alias() == "default"
    with reads_from_replica():  # a new stretch starts on the replica again
        assert read_alias() == "replica"


def test_it_never_migrates_the_replica():
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "health") is False
    assert router.allow_migrate("default", "health") is None


def _view(request):
    return HttpResponse(read_alias())


def test_a_view_reads_the_replica_on_get_and_the_primary_on_post(replica):
    view = reads_from_replica(_view)
    factory = RequestFactory()
    assert view(factory.get("/")).content == b"replica"
    assert view(factory.post("/")).content == b"default"


def test_a_browser_that_posted_reads_the_primary_for_a_while(replica, settings):
    settings.REPLICA_PIN_SECONDS = 10
    factory = RequestFactory()
    middleware = PrimaryAfterWriteMiddleware(reads_from_replica(_view))
    posted = middleware(factory.post("/"))
    cookie = posted.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 10 and cookie["httponly"]
    assert middleware(factory.get("/")).content == b"replica"  # another browser
    pinned = factory.get("/")
    pinned.COOKIES[PIN_COOKIE] = cookie.value
    answer = middleware(pinned)
    assert answer.content == b"default" and PIN_COOKIE not in answer.cookies
    expired = factory.get("/")
    expired.COOKIES[PIN_COOKIE] = str(int(cookie.value) - 11)
    assert middleware(expired).content == b"replica"
    forged = factory.get("/")
    forged.COOKIES[PIN_COOKIE] = "soon"
    assert middleware(forged).content == b"replica"


def test_it_sets_no_cookie_without_a_replica():
    middleware = PrimaryAfterWriteMiddleware(_view)
    assert PIN_COOKIE not in middleware(RequestFactory().post("/")).cookies
