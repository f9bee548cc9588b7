"""Helpers for the station and round tests: more pupils for a school, an open round, an API
caller with a persona's session."""

import json
from datetime import date

from django.test import Client
from django.utils import timezone

from apps.people.codes import personal_code_issue
from apps.testing.models import RoundStatus, TestRound
from shaodian.testing.world import _person


def add_pupils(world, school_key: str, klass_key: str, count: int, *, first_seq: int = 100):
    """`count` more students in a class of the world; returns them."""
    school, klass = world.schools[school_key], world.classes[klass_key]
    return [
        _person(world, f"{klass_key}_p{i}", school, "student", f"{klass_key.upper()}{i:04d}",
                f"学生{i}", klass=klass, seq=first_seq + i)
        for i in range(count)
    ]


def open_round(world, school_key: str = "a", *, kind: str = "pcr_pooled", **extra) -> TestRound:
    return TestRound.objects.create(
        school=world.schools[school_key], name="全员核酸", kind=kind, day=timezone.localdate(),
        status=RoundStatus.OPEN, **extra)


def code(person, day: date | None = None) -> str:
    return personal_code_issue(person=person, day=day)


def scans(*people, prefix: str = "s") -> list[dict]:
    return [{"client_id": f"{prefix}-{i}", "code": code(p) if not isinstance(p, str) else p}
            for i, p in enumerate(people)]


def caller(world):
    def call(username, method, path, body=None):
        client = Client()
        client.force_login(world.users[username])
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        return getattr(client, method)("/api/v1/testing" + path, **kwargs)

    return call
