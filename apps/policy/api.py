"""Policy over the API, mounted at /policy: the packs, a school's effective policy with where
each value came from, tightening overrides, and the province's choice of pack. Schools and
bureaus are read through the scoped layer: out of scope is a 404."""

from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.core.errors import ApiError
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.orgs.models import Bureau, School
from apps.policy import selectors, services
from apps.policy.models import PolicyOverride, PolicySwitch, ProvincePolicy
from apps.policy.presenters import pack_rows, provenance_rows

router = Router(tags=["policy"])
VIEW = "orgs.view"


class ParamOut(Schema):
    name: str
    title_zh: str
    title_en: str
    value: Any
    unit: str
    source: str
    verified: bool
    tighten: str
    informational: bool = Field(False, description="guidance for people: no part of Shaodian "
                                "acts on it (apps/policy/readers.py lists where the others do)")


class RuleOut(Schema):
    id: str
    title: str
    description: str
    enabled: bool


class PackOut(Schema):
    id: str
    version: str


class PackDetailOut(PackOut):
    params: list[ParamOut]
    rules: list[RuleOut]


class ProvenanceOut(ParamOut):
    layer: str  # "pack", or the name of the bureau or school whose override gives the value
    pack_layer: str = Field(..., description="the pack whose file gives the parameter: the "
                            "chosen pack, or a pack it extends (henan-2022 over routine)")
    pack_value: Any


class EffectiveOut(Schema):
    school_id: int
    pack: str
    version: str
    params: list[ProvenanceOut]


class PolicyOverrideIn(Schema):
    node: Literal["bureau", "school"]
    node_id: Id
    param: str
    value: Any
    reason: str


class OverrideOut(Schema):
    id: int
    bureau_id: int | None
    school_id: int | None
    pack_id: str
    param: str
    value: Any
    reason: str


class ChooseIn(Schema):
    province_code: str
    pack_id: str
    pack_version: str | None = None
    reason: str


class ChoiceOut(Schema):
    province_code: str
    pack_id: str
    pack_version: str
    reason: str


def _pack_out(pack) -> dict:
    return {"id": pack.id, "version": str(pack.version)}


def _running(fn, *args):
    """A pack outdated or missing is the province's to fix: a 409 saying so."""
    try:
        return fn(*args)
    except (selectors.PackOutdated, selectors.PackMissing) as exc:
        raise ApiError("policy_pack", str(exc), status=409) from exc


@router.get("/packs", response=list[PackOut], summary="The policy packs there are")
def pack_list(request):
    return [_pack_out(p) for p in selectors.packs_all()]


@router.get("/packs/{pack_id}", response=PackDetailOut,
            summary="A pack's parameters (value, unit, source, verified) and rules")
def pack_detail(request, pack_id: str):
    if pack_id not in selectors.pack_paths():
        raise Http404
    pack = selectors.pack_get(pack_id)
    rows = pack_rows(pack)
    return {**_pack_out(pack), "params": rows["params"], "rules": rows["rules"]}


@router.get("/effective", response=EffectiveOut,
            summary="A school's effective policy, with where each value came from")
def effective(request, school: Id):
    node = get_object_or_404(School.objects.restrict(request.user, VIEW), pk=school)
    result = _running(selectors.effective_for_school, node)
    params = [{**row, "pack_value": result.pack.parameters[row["name"]].value}
              for row in provenance_rows(result, {})]
    return {"school_id": node.pk, "pack": result.pack.id, "version": str(result.pack.version),
            "params": params}


@router.get("/overrides", response=list[OverrideOut], summary="Overrides in the caller's scope")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def override_list(request, school: Id | None = None, bureau: Id | None = None):
    overrides = PolicyOverride.objects.restrict(request.user, VIEW)
    if school is not None:
        overrides = overrides.filter(school_id=school)
    if bureau is not None:
        overrides = overrides.filter(bureau_id=bureau)
    return overrides.order_by("pk")


@router.post("/overrides", response={201: OverrideOut},
             summary="Tighten a parameter for a bureau or a school (never loosen)")
def override_set(request, payload: PolicyOverrideIn):
    model = Bureau if payload.node == "bureau" else School
    node = get_object_or_404(model.objects.restrict(request.user, "policy.tighten"),
                             pk=payload.node_id)
    override = _running(lambda: services.policy_override_set(
        actor=request.user, node=node, param=payload.param, value=payload.value,
        reason=payload.reason))
    return Status(201, override)


@router.delete("/overrides/{override_id}", response={204: None},
               summary="Remove an override: the node falls back to the value from above")
def override_remove(request, override_id: Id, reason: str = ""):
    services.policy_override_remove(actor=request.user, override=override_id, reason=reason)
    return Status(204, None)


@router.post("/choose", response=ChoiceOut,
             summary="Choose the province's pack (province admin; the version reviewed)")
def choose(request, payload: ChooseIn) -> ProvincePolicy:
    return services.policy_choose_pack(
        actor=request.user, province_code=payload.province_code, pack_id=payload.pack_id,
        pack_version=payload.pack_version, reason=payload.reason)


# ---- versions in force -----------------------------------------------------------------


class PolicySwitchIn(Schema):
    province_code: str
    pack_id: str
    pack_version: str = Field(..., description="the version reviewed: refused when stale")
    effective_from: datetime = Field(..., description="when it takes effect: in the future")
    reason: str


class PolicySwitchOut(Schema):
    id: int
    province_code: str
    pack_id: str
    pack_version: str
    previous_pack_id: str = Field(..., description="what ran before it was applied")
    previous_pack_version: str
    effective_from: datetime
    state: str = Field(..., description="scheduled | applied | cancelled | refused")
    reason: str
    scheduled_at: datetime
    applied_at: datetime | None
    recomputed: int | None = Field(None, description="persons recomputed when applied")
    cancelled_at: datetime | None


class PolicyInForceOut(Schema):
    province_code: str
    pack: str
    version: str
    error: str = Field("", description="the choice needs review (its file changed)")
    scheduled: PolicySwitchOut | None
    switches: list[PolicySwitchOut] = Field(..., description="every switch, newest first (at most "
                                      "200)")


def _province(request, province_code: str) -> str:
    """A province the caller may read (a bureau or school of it in their scope): else 404."""
    from apps.policy.views import user_province

    if user_province(request.user) != province_code:
        raise Http404
    return province_code


@router.get("/in-force", response=PolicyInForceOut,
            summary="The pack and version in force, a scheduled switch, and past switches")
def in_force(request, province_code: str):
    province = _province(request, province_code)
    active = _active_or_error(province)
    switches = selectors.switches_for(province)
    return {"province_code": province, **active,
            "scheduled": next((s for s in switches if s.state == "scheduled"), None),
            "switches": switches}


def _active_or_error(province: str) -> dict:
    try:
        pack = selectors.active_pack(province)
    except (selectors.PackOutdated, selectors.PackMissing) as exc:
        choice = selectors.province_choice(province)
        return {"pack": choice.pack_id if choice else "", "version": choice.pack_version
                if choice else "", "error": str(exc)}
    return {"pack": pack.id, "version": str(pack.version), "error": ""}


@router.post("/switches", response={201: PolicySwitchOut},
             summary="Schedule a switch of the province's pack (province admin)")
def switch_schedule(request, payload: PolicySwitchIn):
    switch = services.policy_switch_schedule(
        actor=request.user, province_code=payload.province_code, pack_id=payload.pack_id,
        pack_version=payload.pack_version, effective_from=payload.effective_from,
        reason=payload.reason)
    return Status(201, switch)


@router.post("/switches/{switch_id}/cancel", response=PolicySwitchOut,
             summary="Cancel a scheduled switch (province admin)")
def switch_cancel(request, switch_id: Id) -> PolicySwitch:
    return services.policy_switch_cancel(actor=request.user, switch=switch_id)
