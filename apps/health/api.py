"""Health API (/health under /api/v1)."""

from ninja import Router

router = Router(tags=["daily health"])
