from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from apps.followups.services import FollowUpItem, followup_create_many


def item(person, **kwargs):
    return FollowUpItem(person_id=person.pk, title_zh="核酸检测", title_en="Get tested",
                        **kwargs)


@pytest.fixture
def make_followups(world):
    """Follow-ups for these person keys of school a (trace_back, source trigger:1)."""

    def make(*keys, kind="trace_back", source="trigger:1", due_in=timedelta(hours=2), **kw):
        return followup_create_many(
            school_id=world.schools["a"].pk, kind=kind, source=source,
            items=[item(world.persons[k], detail={"actions": ["test", "stay_home"]})
                   for k in keys],
            due_at=timezone.now() + due_in, **kw)

    return make


@pytest.fixture
def as_user(client, world):
    def login(username, language="en"):
        client.force_login(world.users[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return login
