"""Followups API (/followups under /api/v1)."""

from ninja import Router

router = Router(tags=["follow-ups"])
