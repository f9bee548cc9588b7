"""Absence API (/absence under /api/v1)."""

from ninja import Router

router = Router(tags=["sick absence"])
