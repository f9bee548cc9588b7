"""Testing API (/testing under /api/v1)."""

from ninja import Router

router = Router(tags=["testing"])
