"""Emergency API (/api/v1/emergency): the app's one router, mounted in shaodian/api.py. A
school's modes and switching them are here (their operation ids name this module); case
reports and triggers (api/triggers.py) and plans, the task force and drills (api/plans.py) are
included routers."""

from datetime import datetime

from django.http import Http404
from ninja import Field, Router, Schema

from apps.core.schema_types import Id
from apps.emergency import selectors, services
from apps.emergency.api.plans import router as plans_router
from apps.emergency.api.triggers import router as triggers_router
from apps.orgs.models import School

router = Router(tags=["emergency"])


class ModeStateOut(Schema):
    scope: str
    scope_key: str
    mode: str
    since: datetime
    reason: str
    drill: bool


class SchoolModesOut(Schema):
    school_id: int
    mode: str = Field(..., description="the whole school's mode: normal, emergency, "
                                       "closed_loop or online")
    states: list[ModeStateOut]


class SwitchIn(Schema):
    mode: str = Field(..., description="normal, emergency, closed_loop or online")
    reason: str = Field("", description="required to return to normal")
    scope: str = Field("school", description="school, unit (a grade) or klass")
    scope_key: str = Field("", description="the unit or class id for those scopes")


def _modes(user, school_id: int) -> SchoolModesOut:
    if not School.objects.restrict(user, "emergency.view").filter(pk=school_id).exists():
        raise Http404
    return SchoolModesOut(
        school_id=school_id, mode=selectors.school_mode(school_id=school_id),
        states=list(selectors.mode_states(user=user, school_id=school_id)),
    )


@router.get("/schools/{school_id}/modes", response=SchoolModesOut)
def get_modes(request, school_id: Id):
    return _modes(request.user, school_id)


@router.post("/schools/{school_id}/modes", response=SchoolModesOut)
def switch_mode(request, school_id: Id, payload: SwitchIn):
    services.mode_switch(actor=request.user, school_id=school_id, **payload.dict())
    return _modes(request.user, school_id)


router.add_router("", triggers_router)  # case reports, triggers
router.add_router("", plans_router)  # task force, plans, runs, drills
