"""A person's history after rotate_keys: re-encrypted versions of one number are not a
document change; a new number still is."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from apps.people.services import person_update
from apps.web.history import history_entries
from shaodian.testing.world import make_id_number

pytestmark = pytest.mark.django_db


def _document_changes(person) -> list[bool]:
    with translation.override("en"):
        return [any(c.label == "document" for c in e.changes) for e in history_entries(person)]


@pytest.mark.parametrize(("new_number", "expected"), [
    (False, [False, False, False]),  # a name change, the keys rotated: no document change
    (True, [True, False, False]),    # a new number still is one
])
def test_it_shows_a_document_change_only_when_the_number_changed(
        world, settings, new_number, expected):
    person, admin = world.persons["a1_student"], world.users["school_a_admin"]
    changes = {"name": "张新名"}
    if new_number:
        changes["doc_number"] = make_id_number("410105", person.birth_date, 977)
    person_update(actor=admin, person=person, **changes)
    settings.FIELD_ENCRYPTION_KEYS_OLD = [settings.FIELD_ENCRYPTION_KEY]
    settings.FIELD_HASH_KEYS_OLD = [settings.FIELD_HASH_KEY]
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_HASH_KEY = b"F" * 32, b"H" * 32
    call_command("rotate_keys", "--batch-size", "1", stdout=StringIO())
    assert _document_changes(person) == expected
