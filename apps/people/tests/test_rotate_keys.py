"""manage.py rotate_keys: every row rewritten under the current keys, in batches, resumable,
while lookups find people on either side of the rotation."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.core.crypto import (
    current_header,
    decrypt_text,
    document_hashes,
    encrypt_text,
    keyed_hash,
)
from apps.notifications.models import Channel, ChannelKind
from apps.notifications.services import SECRET_CONTEXT
from apps.people.models import Person
from apps.people.selectors import search_filter
from apps.people.services import person_update
from apps.people.validation import check_unique
from apps.rosters.models import RosterExport

pytestmark = pytest.mark.django_db

NEW_FIELD, NEW_HASH = b"F" * 32, b"H" * 32
TABLES = (Person, Person.history.model)


@pytest.fixture
def rotating(world, settings):
    """The world written under the old keys; new keys current, the old ones still read."""
    settings.FIELD_ENCRYPTION_KEYS_OLD = [settings.FIELD_ENCRYPTION_KEY]
    settings.FIELD_HASH_KEYS_OLD = [settings.FIELD_HASH_KEY]
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_HASH_KEY = NEW_FIELD, NEW_HASH
    return world


def _rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def _rows(model) -> list[tuple]:
    return list(model.objects.order_by("pk").values_list("pk", "doc_cipher", "doc_hash"))


def _stale(model) -> int:
    return sum(not bytes(c).startswith(current_header()) for _pk, c, _h in _rows(model))


def _documents(model) -> dict:
    return {pk: decrypt_text(c) for pk, c, _h in _rows(model)}


def _found(world, key) -> bool:
    number = world.persons[key].plain_document
    return Person.objects.filter(search_filter(number), pk=world.persons[key].pk).exists()


def test_it_finds_a_person_not_yet_rotated_and_one_already_rotated(rotating):
    _rotate("--batch-size", "1", "--max-batches", "1")
    first, *rest = Person.objects.order_by("pk")
    assert first.doc_hash == keyed_hash(decrypt_text(first.doc_cipher))  # rotated
    assert rest[0].doc_hash != keyed_hash(decrypt_text(rest[0].doc_cipher))  # old hash
    keys = {p.pk: k for k, p in rotating.persons.items()}
    assert _found(rotating, keys[first.pk]) and _found(rotating, keys[rest[0].pk])


def test_it_still_refuses_a_duplicate_document_under_the_old_hash(rotating):
    person = rotating.persons["a1_student"]
    errors = check_unique(school=person.school, kind=person.kind, number="NEW-1",
                          hashes=document_hashes(person.plain_document), person_pk=None)
    assert [e.field for e in errors] == ["doc_number"]


def test_it_rotates_every_row_in_batches_and_a_second_run_changes_nothing(rotating):
    before = {m: _documents(m) for m in TABLES}
    total = sum(len(docs) for docs in before.values())
    assert f"would rotate {total} rows" in _rotate("--dry-run")
    assert sum(_stale(m) for m in TABLES) == total  # a dry run writes nothing
    out = _rotate("--batch-size", "3")
    assert f"people.Person: 3/{len(before[Person])} rows" in out
    assert f"rotated {total} rows" in out and "0 left to rotate" in out
    for model in TABLES:
        assert _stale(model) == 0 and _documents(model) == before[model]
        assert all(h == keyed_hash(decrypt_text(c)) for _pk, c, h in _rows(model))
    assert "rotated 0 rows" in _rotate()
    assert "would rotate 0 rows" in _rotate("--dry-run")


@pytest.mark.parametrize("batches", [1, 2])
def test_it_completes_an_interrupted_run_with_nothing_lost_or_doubled(rotating, batches):
    before = {m: _documents(m) for m in TABLES}
    out = _rotate("--batch-size", "2", "--max-batches", str(batches))
    assert f"rotated {2 * batches} rows" in out
    assert sum(_stale(m) for m in TABLES) == sum(map(len, before.values())) - 2 * batches
    rest = sum(map(len, before.values())) - 2 * batches
    assert f"rotated {rest} rows" in _rotate("--batch-size", "2")
    for model in TABLES:
        assert _stale(model) == 0 and _documents(model) == before[model]


def test_it_keeps_every_document_and_lookup_once_the_old_keys_are_gone(rotating, settings):
    before = {m: _documents(m) for m in TABLES}
    _rotate()
    settings.FIELD_ENCRYPTION_KEYS_OLD, settings.FIELD_HASH_KEYS_OLD = [], []
    for model in TABLES:
        assert _documents(model) == before[model]
    assert all(_found(rotating, key) for key in rotating.persons)


def test_it_names_the_setting_when_the_old_key_was_left_out(rotating, settings):
    settings.FIELD_ENCRYPTION_KEYS_OLD = []
    with pytest.raises(CommandError, match="SHAODIAN_FIELD_KEYS_OLD") as raised:
        _rotate()
    assert rotating.persons["a1_student"].plain_document not in str(raised.value)


def test_it_keeps_an_unrotated_document_typed_again_as_unchanged(rotating):
    person = rotating.persons["a1_student"]
    stored, versions = person.doc_hash, person.history.count()
    updated = person_update(actor=rotating.users["school_a_admin"], person=person,
                            doc_number=person.plain_document)
    assert updated.doc_hash == stored and updated.history.count() == versions


def test_it_rotates_the_other_apps_ciphertexts_too(rotating, settings):
    new = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = settings.FIELD_ENCRYPTION_KEYS_OLD[0]
    user = rotating.users["school_a_admin"]
    channel = Channel.objects.create(user=user, kind=ChannelKind.DINGTALK, address="https://r",
                                     secret_cipher=encrypt_text("SEC", context=SECRET_CONTEXT))
    export = RosterExport.objects.create(user=user, list_name="people",
                                         query_cipher=encrypt_text('{"q": "x"}'))
    settings.FIELD_ENCRYPTION_KEY = new
    _rotate()
    settings.FIELD_ENCRYPTION_KEYS_OLD = []
    channel.refresh_from_db()
    export.refresh_from_db()
    assert bytes(channel.secret_cipher).startswith(current_header())
    assert decrypt_text(channel.secret_cipher, context=SECRET_CONTEXT) == "SEC"
    assert decrypt_text(export.query_cipher) == '{"q": "x"}'
