"""Emergency API (/emergency under /api/v1)."""

from ninja import Router

router = Router(tags=["emergency"])
