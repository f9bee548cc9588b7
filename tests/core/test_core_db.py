"""apps.core.db: hand-written statements for the hot paths, prepared on PostgreSQL, tried on
the project's own tables (here, not in apps/core/tests, because core imports no app)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from apps.access.models import ApiToken
from apps.core.db import insert_new, model_columns, model_from_row, prepared_cursor
from apps.health.models import CheckIn

pytestmark = pytest.mark.django_db


def _select(model, names, where_pk):
    with prepared_cursor() as cursor:
        cursor.execute(f"SELECT {model_columns(model, 'x', names)} "  # noqa: S608
                       f"FROM {model._meta.db_table} x WHERE x.id = %s", [where_pk])
        return cursor.fetchone()


def test_it_reads_columns_selected_in_any_order_into_the_right_fields(world):
    made = world.persons["a1_student"]
    names = ("residence", "user_id", "kind", "id", "school_id")  # not the model's order
    person = model_from_row(type(made), _select(type(made), names, made.pk), names)
    assert (person.pk, person.kind, person.residence, person.school_id, person.user_id) == (
        made.pk, made.kind, made.residence, made.school_id, made.user_id)


def test_it_converts_values_as_the_orm_does(world):
    token = ApiToken.objects.create(
        user=world.users["gate_a"], name="t", prefix="p", key_hash="h" * 64,
        permissions=["gate.verdict"], expires_at=timezone.now() + timedelta(days=1))
    names = ("id", "permissions", "expires_at", "revoked_at")
    read = model_from_row(ApiToken, _select(ApiToken, names, token.pk), names)
    assert read.permissions == ["gate.verdict"]  # JSON, not its text
    assert read.expires_at == token.expires_at and read.expires_at.tzinfo is not None
    assert read.revoked_at is None


def _checkin(person, client_id, slot="morning", **more):
    return CheckIn(school_id=person.school_id, person_id=person.pk, day=timezone.localdate(),
                   slot=slot, submitted_as="self", client_id=client_id, **more)


def test_it_inserts_rows_as_save_would(world):
    person = world.persons["a1_student"]
    rows = [_checkin(person, "c-1", temperature=Decimal("36.6"), symptoms=["cough"]),
            _checkin(person, "c-2", slot="noon")]
    pks = insert_new(rows, key=("school_id", "client_id"))
    stored = CheckIn.objects.get(pk=pks[0])
    assert (stored.temperature, stored.symptoms, stored.client_id) == (
        Decimal("36.6"), ["cough"], "c-1")
    assert CheckIn.objects.get(pk=pks[1]).slot == "noon"


def test_it_skips_rows_a_unique_constraint_holds_already(world):
    person = world.persons["a1_student"]
    first = insert_new([_checkin(person, "same")], key=("school_id", "client_id"))
    again = insert_new([_checkin(person, "same"), _checkin(person, "other"),
                        _checkin(person, "third", slot="noon"),
                        _checkin(person, "third", slot="noon")],
                       key=("school_id", "client_id"))
    assert first[0] is not None
    # "same": its client id is stored; "other": the morning slot is; "third" twice: once.
    assert again[0] is None and again[1] is None
    assert again[2] is not None and again[3] is None
    assert CheckIn.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_it_prepares_a_statement_again_when_the_server_forgot_it(world):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    person = world.persons["a1_student"]
    for _n in range(7):  # prepared from the fifth use on
        assert _select(type(person), ("id",), person.pk) == (person.pk,)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] >= 1
        # The server forgets behind psycopg's back (as a pooler's reset would): psycopg
        # clears its own names on a DEALLOCATE it sees, not on one run inside a DO block.
        cursor.execute("DO $$ BEGIN EXECUTE 'DEALLOCATE ALL'; END $$")
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 0
    assert _select(type(person), ("id",), person.pk) == (person.pk,)
