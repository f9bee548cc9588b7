"""Answered concerns go past the pack's retention_concerns_days (routine: 180 from the
answer), with their events, in the daily retention purge (apps.operations.retention); an
open concern stays however old, and so does one reopened after an old answer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.concerns import services
from apps.concerns.models import Concern, ConcernEvent, ConcernState
from apps.operations.retention import retention_purge

from .conftest import raised

pytestmark = pytest.mark.django_db


def _answered(world, days_ago: int, text: str) -> Concern:
    concern = raised(world, text=text)
    services.concern_answer(actor=world.users["teacher_a1"], concern_id=concern.pk,
                            answer="已安排")
    Concern.objects.filter(pk=concern.pk).update(
        raised_at=timezone.now() - timedelta(days=days_ago + 1),
        answered_at=timezone.now() - timedelta(days=days_ago))
    return concern


def test_answered_concerns_go_with_their_events_past_their_days(world):
    old = _answered(world, 181, "需要送饭")
    recent = _answered(world, 179, "需要送药")
    reopened = _answered(world, 300, "需要课本")
    Concern.objects.filter(pk=reopened.pk).update(state=ConcernState.OPEN)
    waiting = raised(world, text="需要热水")
    Concern.objects.filter(pk=waiting.pk).update(raised_at=timezone.now() - timedelta(days=400))
    assert ConcernEvent.objects.filter(concern=old).exists()
    assert retention_purge(dry_run=True)["concerns"] == 1
    assert retention_purge()["concerns"] == 1
    assert set(Concern.objects.values_list("pk", flat=True)) == {
        recent.pk, reopened.pk, waiting.pk}
    assert not ConcernEvent.objects.filter(concern_id=old.pk).exists()
    assert ConcernEvent.objects.filter(concern=recent).exists()
    assert retention_purge()["concerns"] == 0
