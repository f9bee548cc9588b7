"""Testing API (/testing under /api/v1): the app's one router, mounted in shaodian/api.py,
with the sampling station's and the lab results' routers included."""

from ninja import Router

from apps.testing.api.results import router as results_router
from apps.testing.api.station import router as station_router

router = Router(tags=["testing"])
router.add_router("", station_router)  # tubes and scans (sampling station)
router.add_router("", results_router)  # lab results and pool-size advice
