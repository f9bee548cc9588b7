"""/healthz: database reachable and the worker's heartbeat recent -> 200, else 503."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from apps.operations.models import WorkerHeartbeat
from apps.operations.services import worker_heartbeat_record

pytestmark = pytest.mark.django_db


def beat(seconds_ago: float):
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(worker_id=f"w{seconds_ago}", seen_at=seen, started_at=seen)


def test_it_is_ok_with_a_database_and_a_recent_heartbeat():
    worker_heartbeat_record(worker_id="w1", started_at=timezone.now())
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True and body["database"]["ms"] >= 0
    assert 0 <= body["worker"]["heartbeat_age_seconds"] < 5
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_is_degraded_when_the_heartbeat_is_stale():
    beat(3 * settings.WORKER_HEARTBEAT_SECONDS + 5)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["worker"]["ok"] is False


def test_it_reads_the_freshest_of_several_workers():
    beat(3600)
    beat(1)
    assert Client().get("/healthz").status_code == 200


def test_it_is_degraded_when_no_worker_ever_beat():
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["heartbeat_age_seconds"] is None


def test_it_is_degraded_when_the_database_is_down():
    beat(1)
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded" and body["database"]["ok"] is False


def test_it_needs_no_sign_in_and_tells_nothing_personal(world):
    worker_heartbeat_record(worker_id="w1", started_at=timezone.now())
    content = Client().get("/healthz").content.decode()
    assert set(Client().get("/healthz").json()) == {"status", "database", "worker"}
    assert not any(p.name in content for p in world.persons.values())
