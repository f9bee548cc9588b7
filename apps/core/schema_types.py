"""Bounded integers for the API's inputs.

Every integer a client sends ends up in a query, and the database stores 64 bits: a larger
id, page or count is a database error (a 500) unless it is refused first. These types bound
each input where it is read (a 422 naming the field) and say so in the OpenAPI document
(`minimum`, `maximum`), so clients and the fuzz test (tests/fuzz/) know the range. Every
integer of every API input (path, query, body) is one of them.

`ErrorOut` documents the error answer, for an endpoint whose 422 is also a report of its own.
"""

from typing import Annotated

from ninja import Schema
from pydantic import Field

INT64_MAX = 2**63 - 1

# A row's id: positive and within the database's 64-bit primary keys.
Id = Annotated[int, Field(ge=1, le=INT64_MAX)]

# Where a page keyed by id starts: the last id of the page before, 0 for the first page.
Cursor = Annotated[int, Field(ge=0, le=INT64_MAX)]

# A page of a list, or its size: the count stops at LIST_COUNT_CAP (apps/core/pagination.py),
# so no page past a million is ever full; the bound keeps (page - 1) * size within 64 bits.
PageNumber = Annotated[int, Field(ge=1, le=1_000_000)]

# A count, a cursor or a number of days a client asks for: never negative, and small enough
# for any date arithmetic (a day count up to 2**31 fits a datetime.timedelta).
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]


class FieldErrorOut(Schema):
    field: str
    reason: str
    message: str


class ErrorOut(Schema):
    """The API's error answer (shaodian/api.py): bad input is a 422 with `errors`."""

    code: str
    message: str
    errors: list[FieldErrorOut] = []
