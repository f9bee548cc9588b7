"""Gate test helpers: per-process caches emptied between tests (ids repeat across test
databases), check-ins and statuses written straight to their tables, a scan helper."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_caches():
    from apps.access.tokens import forget_tokens
    from apps.gate.facts import forget_thresholds
    from apps.gate.services import forget_gates

    forget_tokens(), forget_thresholds(), forget_gates()
    yield
    forget_tokens(), forget_thresholds(), forget_gates()


def client_id() -> str:
    return f"test-{next(_ids)}"


def checkin(person, *, abnormal=False, day=None, slot="morning"):
    from apps.health.models import CheckIn

    return CheckIn.objects.create(
        school_id=person.school_id, person=person, day=day or timezone.localdate(), slot=slot,
        temperature=38.2 if abnormal else 36.5, abnormal=abnormal, submitted_as="self",
        client_id=client_id())


def status(person, category, *, compliant=True, until=None, next_due=None):
    from apps.status.models import PersonStatus

    return PersonStatus.objects.create(
        school_id=person.school_id, person=person, category=category, compliant=compliant,
        until=until or timezone.localdate() + timedelta(days=5), next_due=next_due,
        pack="routine", pack_version="1")


def mode(school, value, *, scope="school", key=""):
    from apps.emergency.models import ModeState

    return ModeState.objects.create(school=school, scope=scope, scope_key=key, mode=value)


@pytest.fixture
def scan(world):
    """scan(persona, code_or_number, temperature=36.5, direction="in", **more) -> outcome"""
    from apps.gate.services import gate_check_record

    def call(persona, scanned, temperature="36.5", direction="in", **more):
        more.setdefault("client_id", client_id())
        return gate_check_record(actor=world.users[persona], code_or_number=scanned,
                                 temperature=temperature, direction=direction, **more)

    return call
