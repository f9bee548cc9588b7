from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from apps.core.errors import ValidationFailed
from apps.isolation import services


def day(offset: int) -> date:
    return timezone.localdate() + timedelta(days=offset)


def opened(world, key="a1_student", *, by="school_a_admin", place_kind="home", start=0, end=6,
           **fields):
    """An isolation of a persona's person, from `start` to `end` days from today."""
    return services.isolation_open(actor=world.users[by], person_id=world.persons[key].pk,
                                   place_kind=place_kind, start=day(start),
                                   planned_end=day(end), reason=fields.pop("reason", "密接"),
                                   **fields)


def room(world, key="a", capacity=1, name="隔离室一"):
    return services.room_save(actor=world.users[f"school_{key}_admin"],
                              school_id=world.schools[key].pk, name=name, capacity=capacity)


def refused(call, lang="en") -> tuple[str, str, str]:
    """The first error's field, reason and message (in `lang`)."""
    with translation.override(lang), pytest.raises(ValidationFailed) as caught:
        call()
    error = caught.value.errors[0]
    return error.field, error.reason, error.message


CARE = {"health": "well", "meals": "ok", "study": "ok", "mood": "good"}
