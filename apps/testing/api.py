"""Testing API (/testing under /api/v1)."""

from ninja import Router

router = Router(tags=["testing"])

from apps.testing.api_station import router as station_router  # noqa: E402

router.add_router("", station_router)  # tubes and scans (sampling station)
from apps.testing.api_results import router as results_router  # noqa: E402

router.add_router("", results_router)  # lab results and pool-size advice
