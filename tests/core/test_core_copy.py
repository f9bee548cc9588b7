"""core.db.copy_rows: rows sent with COPY as they come, in text or binary format, into the
model's table or a staging table with the same columns. Here, not in apps/core/tests: it
copies into a domain table, and core imports no app."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from apps.core.db import copy_rows
from apps.health.models import CheckIn

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY: PostgreSQL"),
]

COLUMNS = ("day", "slot", "temperature", "symptoms", "note")
STAGE = "core_copy_rows_stage"  # a temporary table, as the status writer stages rows


@pytest.mark.parametrize("binary", [False, True])
def test_it_sends_rows_as_they_come_in_either_format(binary):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE core_copy_rows_stage AS SELECT day, slot, "
                       "temperature, symptoms, note FROM health_checkin WITH NO DATA")
    rows = ((date(2026, 11, n), "morning", Decimal("36.5"), ["cough", "发热"], f"第{n}行")
            for n in (1, 2))  # a generator: nothing is read ahead
    assert copy_rows(CheckIn, COLUMNS, rows, table=STAGE, binary=binary) == 2
    with connection.cursor() as cursor:
        # The JSON value stored as a JSON array, not as a string holding one.
        cursor.execute("SELECT day, slot, temperature, jsonb_array_length(symptoms), "
                       "symptoms ->> 1, note FROM core_copy_rows_stage ORDER BY day")
        assert cursor.fetchall() == [
            (date(2026, 11, 1), "morning", Decimal("36.5"), 2, "发热", "第1行"),
            (date(2026, 11, 2), "morning", Decimal("36.5"), 2, "发热", "第2行")]


def test_it_copies_on_the_cursor_it_is_given():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE core_copy_rows_stage AS SELECT slot, note "
                       "FROM health_checkin WITH NO DATA")
        assert copy_rows(CheckIn, ("slot", "note"), [("noon", "")], table=STAGE,
                         cursor=cursor.cursor) == 1
        cursor.execute("SELECT slot, note FROM core_copy_rows_stage")
        assert cursor.fetchall() == [("noon", "")]
