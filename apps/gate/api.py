"""Gate API (/gate under /api/v1)."""

from ninja import Router

router = Router(tags=["gate"])
