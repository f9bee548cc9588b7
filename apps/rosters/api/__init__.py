"""The rosters API, one router mounted at /api/v1/ by shaodian/api.py: the import
(/rosters/…, imports.py) and the exports (/exports/…, exports.py)."""

from ninja import Router

from apps.rosters.api import exports, imports

router = Router()
router.add_router("/rosters", imports.router)  # /rosters/{school_id}/import, /rosters/imports/…
router.add_router("/exports", exports.router)  # /exports/people.xlsx, /exports/jobs/…
