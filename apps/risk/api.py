"""Risk-area designations (/risk-areas): list, one, designate, change, lift, import a CSV."""

from datetime import date, datetime

from django.conf import settings
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import ErrorOut, Id
from apps.risk import selectors, services

router = Router(tags=["risk areas"])


class RiskAreaOut(Schema):
    id: int
    region_code: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    sub_area: str
    level: str
    start: date
    end: date | None
    source: str
    lifted_at: datetime | None
    lift_reason: str
    created_at: datetime


class RiskAreaFilters(Schema):
    level: str | None = None
    region: str | None = Field(None, description="a region code: designations inside it")
    in_force_on: date | None = None
    lifted: bool | None = None


class RiskAreaIn(Schema):
    region: str = Field(..., description="a GB/T 2260 code or a name with context")
    sub_area: str = ""
    level: str = Field(..., description="high, medium or low (高, 中, 低)")
    start: date | None
    end: date | None = None
    source: str


class RiskAreaPatch(Schema):
    level: str | None = None
    start: date | None = None
    end: date | None = None
    sub_area: str | None = None
    source: str | None = None


class LiftIn(Schema):
    lifted_on: date = Field(..., description="the last day the designation was in force")
    reason: str


class RiskRowErrorOut(Schema):
    row: int
    column: str
    value: str
    reason: str
    message: str


class RiskImportOut(Schema):
    rows: int
    valid: int
    bad_rows: int
    created: int
    dry_run: bool
    area_ids: list[int]
    errors: list[RiskRowErrorOut]


@router.get("", response=list[RiskAreaOut], summary="Risk areas, filtered")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def risk_areas_list(request, filters: Query[RiskAreaFilters]):
    return selectors.risk_area_list(user=request.user, level=filters.level,
                                    region_code=filters.region,
                                    in_force_on=filters.in_force_on, lifted=filters.lifted)


# Before /{area_id}: the first matching path wins.
@router.post(
    "/import",
    response={200: RiskImportOut, 422: RiskImportOut | ErrorOut},
    summary="Import designations from a CSV file (UTF-8 or GBK); all or nothing by default",
)
def risk_areas_import(request, file: File[UploadedFile], apply_valid_only: Form[bool] = False,
                      dry_run: Form[bool] = False):
    report = services.risk_areas_import_csv(actor=request.user, file=file,
                                            apply_valid_only=apply_valid_only, dry_run=dry_run)
    body = {**{k: getattr(report, k) for k in ("rows", "valid", "bad_rows", "created",
                                                "dry_run", "area_ids")},
            "errors": [e.__dict__ for e in report.errors]}
    refused = bool(report.errors) and not report.created and not dry_run
    return Status(422 if refused else 200, body)


@router.get("/{area_id}", response=RiskAreaOut, summary="One designation")
def risk_areas_get(request, area_id: Id):
    return selectors.risk_area_get(user=request.user, pk=area_id)


@router.post("", response={201: RiskAreaOut}, summary="Designate a risk area")
def risk_areas_designate(request, payload: RiskAreaIn):
    area = services.risk_area_designate(
        actor=request.user, region_code=payload.region, level=payload.level,
        start=payload.start, end=payload.end, sub_area=payload.sub_area, source=payload.source)
    return Status(201, selectors.risk_area_get(user=request.user, pk=area.pk))


@router.patch("/{area_id}", response=RiskAreaOut, summary="Change a designation")
def risk_areas_update(request, area_id: Id, payload: RiskAreaPatch):
    area = selectors.risk_area_get(user=request.user, pk=area_id, perm="risk.change")
    sent = payload.model_dump(exclude_unset=True)
    # null clears only the end date; for the rest it means "leave as is"
    changes = {k: v for k, v in sent.items() if v is not None or k == "end"}
    services.risk_area_update(actor=request.user, area=area, **changes)
    return selectors.risk_area_get(user=request.user, pk=area_id)


@router.post("/{area_id}/lift", response=RiskAreaOut, summary="Lift a designation (recorded)")
def risk_areas_lift(request, area_id: Id, payload: LiftIn):
    area = selectors.risk_area_get(user=request.user, pk=area_id, perm="risk.change")
    services.risk_area_lift(actor=request.user, area=area, lifted_on=payload.lifted_on,
                            reason=payload.reason)
    return selectors.risk_area_get(user=request.user, pk=area_id)
