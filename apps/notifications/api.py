"""Notifications API (/notifications under /api/v1)."""

from ninja import Router

router = Router(tags=["notifications"])
