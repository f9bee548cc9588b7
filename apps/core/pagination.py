"""Pagination whose count stops at a cap.

A province admin's unfiltered list covers millions of rows; counting them all on every
page costs a full scan. Past LIST_COUNT_CAP the count says "more than" and the pages stop
there: beyond ten thousand rows, a person searches or filters, they do not page.
"""

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from apps.core.routers import reads_from_replica
from apps.core.schema_types import PageNumber


def capped_count(queryset, cap: int) -> tuple[int, bool]:
    """(count, capped): counts at most cap + 1 rows, unordered, so the database can stop."""
    if not hasattr(queryset, "order_by"):
        total = len(queryset)
        return min(total, cap), total > cap
    seen = queryset.order_by()[: cap + 1].count()
    return min(seen, cap), seen > cap


class CappedPaginator(Paginator):
    """Django's Paginator for pages; `capped` tells the template to say "10,000+"."""

    def __init__(self, object_list, per_page, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or settings.LIST_COUNT_CAP
        self.capped = False

    @cached_property
    def count(self) -> int:
        total, self.capped = capped_count(self.object_list, self.cap)
        return total


class CappedPageNumberPagination(PageNumberPagination):
    """ninja's page-number pagination with the same cap; `count_capped` is true when there
    are more rows than `count` says."""

    class Input(Schema):
        page: PageNumber = 1
        page_size: PageNumber | None = None

    class Output(Schema):
        items: list[Any]
        count: int
        count_capped: bool = Field(False, description="more rows exist than `count`")

    def paginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        # A list tolerates a few seconds' lag: its count and its page's rows are read from
        # the replica when there is one (apps/core/routers.py: not for a client that wrote
        # a moment ago and sends back its pin cookie). The page is read here, inside.
        with reads_from_replica():
            count, capped = capped_count(queryset, settings.LIST_COUNT_CAP)
            items = queryset[offset : offset + page_size]
            items = list(items) if hasattr(items, "_fetch_all") else items
        return {"items": items, "count": count, "count_capped": capped}
