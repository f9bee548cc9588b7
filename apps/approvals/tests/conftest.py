from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from apps.approvals import services
from apps.core.errors import ValidationFailed


def day(offset: int) -> date:
    return timezone.localdate() + timedelta(days=offset)


MEETING = {"title": "教研组会议", "venue": "第一会议室", "participants": 30,
           "online_considered": True, "why_offline": "需现场演示实验"}
TRIP = {"title": "赴沪参加培训", "destination": "310115"}


def asked(world, username="teacher_a1", kind="meeting", *, start=3, end=None, **fields):
    """A request by a persona for themselves, `start` days from today."""
    base = {"meeting": MEETING, "trip": TRIP, "gathering": {
        "title": "年级联欢", "venue": "礼堂", "participants": 40}, "leave": {"title": "就医"},
        "visitor": {"title": "送教材", "visitor_name": "周师傅"}}[kind]
    return services.approval_request(actor=world.users[username], kind=kind,
                                     starts_on=day(start), ends_on=day(end or start),
                                     **{**base, **fields})


def refused(call) -> tuple[str, str, str]:
    """The first error's field, reason and (English) message."""
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        call()
    error = caught.value.errors[0]
    return error.field, error.reason, error.message
