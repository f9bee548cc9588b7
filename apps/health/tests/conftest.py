"""Helpers for the daily health tests: a fixed time of day (so a test does not depend on
when it runs), the policy cache emptied around each test, and a submit shortcut."""

import uuid
from datetime import time

import pytest
from django.utils import timezone

from apps.health import conf, rules, services


def at(hour: int, minute: int = 0, day=None):
    return conf.at(day or timezone.localdate(), time(hour, minute))


@pytest.fixture(autouse=True)
def fresh_rules():
    rules.forget()
    yield
    rules.forget()


@pytest.fixture
def submit(world):
    """checkin_submit as a persona, with good answers unless told otherwise."""

    def _submit(user="teacher_a1", person="a1_student", **kwargs):
        values = {"slot": "morning", "temperature": "36.6", "symptoms": [],
                  "household_symptoms": False, "household_travel": False,
                  "client_id": uuid.uuid4().hex, "now": at(7, 10), **kwargs}
        target = world.persons[person] if isinstance(person, str) else person
        return services.checkin_submit(actor=world.users[user], person=target, **values)

    return _submit


def errors_of(exc_info) -> set[tuple[str, str]]:
    return {(e.field, e.reason) for e in exc_info.value.errors}
