"""Lab results API (under /api/v1/testing): a lab system posts results by tube barcode, or a
lab's file is uploaded; the pool-size advice for a prevalence.

`POST /{school_id}/results` takes `{"results": [{"barcode", "result", "tested_at"}],
"valid_only": false, "dry_run": false}`; `POST /{school_id}/results/file` takes a .xlsx,
.xls or CSV. Both answer with the counts and every bad row (`row`, `field`, `value`,
`reason`, `message`): 200 when applied (or a clean dry run), 422 when a bad row refused the
whole import (nothing written). Importing needs "testing.results" for the school (its
epidemic office, or its designated hospital's liaison); a school out of scope is a 404.
"""

from django.conf import settings
from django.http import Http404
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from apps.core.errors import ApiError
from apps.core.schema_types import ErrorOut, Id
from apps.orgs.models import School
from apps.rosters.reading import RosterError
from apps.testing.advice import advise
from apps.testing.services.results import (
    PERM,
    lab_rows_from_file,
    lab_rows_from_items,
    results_import,
)

router = Router(tags=["testing: lab results"])
MAX_ITEMS = 20_000  # per request: a lab system sends a large run in several


class ResultIn(Schema):
    barcode: str = Field(..., max_length=60)
    result: str = Field(..., max_length=20,
                        description="阴性/阳性/无效, negative/positive/invalid, neg/pos, -/+")
    tested_at: str | None = Field(None, max_length=40,
                                  description="when the lab tested (ISO 8601; Asia/Shanghai "
                                              "when without an offset); default: now")


class ResultsIn(Schema):
    results: list[ResultIn] = Field(..., max_length=MAX_ITEMS)
    valid_only: bool = Field(False, description="apply the good rows, report the bad ones")
    dry_run: bool = Field(False, description="check only, write nothing")


class LabFileParams(Schema):
    valid_only: bool = False
    dry_run: bool = False


class LabRowErrorOut(Schema):
    row: int
    field: str
    value: str
    reason: str
    message: str


class ResultsOut(Schema):
    applied: bool
    rows: int
    resulted: int
    unchanged: int
    rejected: int
    positive_tubes: int
    isolated: int
    rechecks_created: int
    rechecks_closed: int
    errors: list[LabRowErrorOut]


def _school(request, school_id: int) -> School:
    school = School.objects.restrict(request.user, PERM).filter(pk=school_id).first()
    if school is None:
        raise Http404
    return school


def _answer(outcome, *, valid_only: bool) -> Status:
    """422 when a bad row refuses the import (or would, in a dry run)."""
    body = {**{k: getattr(outcome, k) for k in ResultsOut.model_fields if k != "errors"},
            "errors": [e.__dict__ for e in outcome.errors]}
    return Status(422 if outcome.errors and not valid_only else 200, body)


@router.post("/{school_id}/results", response={200: ResultsOut, 422: ResultsOut | ErrorOut},
             summary="Import lab results by tube barcode (a lab system's list)")
def results_post(request, school_id: Id, payload: ResultsIn):
    school = _school(request, school_id)
    outcome = results_import(actor=request.user, school=school,
                             rows=lab_rows_from_items(payload.results),
                             valid_only=payload.valid_only, dry_run=payload.dry_run)
    return _answer(outcome, valid_only=payload.valid_only)


@router.post("/{school_id}/results/file", response={200: ResultsOut, 422: ResultsOut | ErrorOut},
             summary="Import a lab's results file (.xlsx, .xls or CSV)")
def results_file(request, school_id: Id, file: File[UploadedFile],
                 params: Query[LabFileParams]):
    school = _school(request, school_id)
    try:
        rows = lab_rows_from_file(file.name or "", file.read(settings.ROSTER_MAX_BYTES + 1))
    except RosterError as exc:
        raise ApiError(exc.reason, exc.message, 400) from None
    outcome = results_import(actor=request.user, school=school, rows=rows,
                             valid_only=params.valid_only, dry_run=params.dry_run)
    return _answer(outcome, valid_only=params.valid_only)


class AdviceOptionOut(Schema):
    pool_size: int
    tests_per_person: float
    saving: float
    pays: bool


class AdviceOut(Schema):
    prevalence: float
    best_pool_size: int
    pooling_pays: bool
    stops_paying_at: float
    options: list[AdviceOptionOut]


class AdviceParams(Schema):
    prevalence: float = Field(..., ge=0, le=1, description="estimated prevalence, 0 to 1")


@router.get("/advice", response=AdviceOut, summary="Pool-size advice (Dorfman) for a prevalence")
def advice(request, params: Query[AdviceParams]):
    found = advise(params.prevalence)
    return {"prevalence": params.prevalence, "best_pool_size": found.best.pool_size,
            "pooling_pays": found.pooling_pays, "stops_paying_at": found.stops_paying_at,
            "options": [o.__dict__ for o in found.options]}
