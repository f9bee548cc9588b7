"""Roster import (/rosters/{school_id}/import): a school's student or staff list as
.xlsx, .xls or CSV; a dry run by default, all or nothing when applied. A file larger than
settings.ROSTER_SYNC_MAX_BYTES is checked by the worker: the answer is 202 with the
import's id; GET /rosters/imports/{id} tells how it went, POST /rosters/imports/{id}/apply
imports it (once, however often it is asked)."""

from typing import Literal

from django.conf import settings
from django.http import Http404
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from apps.core.errors import ApiError
from apps.core.schema_types import ErrorOut, Id
from apps.orgs.models import School
from apps.rosters.models import RosterImport
from apps.rosters.reading import RosterError
from apps.rosters.services import (
    PERM,
    roster_apply,
    roster_apply_request,
    roster_check,
    roster_upload,
)

# Each operation keeps the id it was published with before the rosters API became a
# package (ninja derives ids from the module): clients generated from the OpenAPI use it.
router = Router(tags=["rosters"])


class ImportParams(Schema):
    # the people the file lists; anything else is a 422 naming the field (not a database
    # error on a 10-character column, as the fuzz test found on PostgreSQL)
    kind: Literal["student", "staff"] = "student"
    dry_run: bool = True
    valid_only: bool = False
    # create the classes and grades (or departments) the file names that the school lacks
    create_places: bool = False


class ApplyParams(Schema):
    valid_only: bool = False


class RosterRowErrorOut(Schema):
    row: int | None
    column: str
    value: str
    reason: str
    message: str


class RosterPlaceOut(Schema):
    kind: Literal["unit", "class"]
    name: str
    unit: str  # a class's grade or college


class RosterImportOut(Schema):
    import_id: int
    dry_run: bool
    new: int
    updated: int
    unchanged: int
    rejected: int
    ignored_columns: list[str]
    errors: list[RosterRowErrorOut]
    # the classes and units the import creates (dry run) or created
    places: list[RosterPlaceOut]


class ImportStatusOut(Schema):
    import_id: int
    status: str
    file_name: str
    sha256: str
    rows: int
    new: int
    updated: int
    unchanged: int
    rejected: int
    failure: str
    ignored_columns: list[str]
    errors: list[RosterRowErrorOut]
    places: list[RosterPlaceOut]


def _status(record: RosterImport) -> dict:
    return {"import_id": record.pk, "status": record.status, "file_name": record.file_name,
            "sha256": record.sha256, "rows": record.rows, "new": record.new,
            "updated": record.updated, "unchanged": record.unchanged,
            "rejected": record.rejected, "failure": record.failure,
            "ignored_columns": record.ignored_columns, "errors": record.errors,
            "places": record.places}


@router.post(
    "/{school_id}/import",
    response={200: RosterImportOut, 202: ImportStatusOut, 422: RosterImportOut | ErrorOut},
    summary="Import students or staff from .xlsx, .xls or CSV (dry run by default)",
    operation_id="apps_rosters_api_roster_import",
)
def roster_import(request, school_id: Id, file: File[UploadedFile],
                  params: Query[ImportParams]):
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        raise Http404
    data = file.read(settings.ROSTER_MAX_BYTES + 1)  # enough to refuse
    try:
        if len(data) > settings.ROSTER_SYNC_MAX_BYTES:
            record = roster_upload(actor=request.user, school=school, kind=params.kind,
                                   name=file.name or "", data=data,
                                   create_places=params.create_places)
            return Status(202, _status(record))
        plan = roster_check(actor=request.user, school=school, kind=params.kind,
                            name=file.name or "", data=data,
                            create_places=params.create_places)
        counts = {"new": plan.count("new"), "updated": plan.count("updated"),
                  "unchanged": plan.count("unchanged"), "rejected": len(plan.rejected_rows)}
        import_id = plan.record.pk
        status = 422 if plan.errors and not params.valid_only else 200
        if not params.dry_run and status == 200:
            result = roster_apply(actor=request.user, plan=plan, valid_only=params.valid_only)
            counts = {k: getattr(result, k) for k in counts}
            import_id = result.record.pk
    except RosterError as exc:
        raise ApiError(exc.reason, exc.message, 400) from None
    body = {"import_id": import_id, "dry_run": params.dry_run or status != 200, **counts,
            "ignored_columns": plan.columns.ignored,
            "errors": [e.__dict__ for e in plan.errors],
            "places": plan.places.listing() if plan.places else []}
    return Status(status, body)


def _record(request, import_id: int) -> RosterImport:
    record = RosterImport.objects.restrict(request.user, PERM).filter(pk=import_id).first()
    if record is None:
        raise Http404
    return record


@router.get("/imports/{import_id}", response=ImportStatusOut,
            summary="An import: queued, checked, applying, applied, refused or failed",
            operation_id="apps_rosters_api_roster_import_status")
def roster_import_status(request, import_id: Id):
    return _status(_record(request, import_id))


@router.post("/imports/{import_id}/apply", response={200: ImportStatusOut, 202: ImportStatusOut},
             summary="Import a checked file (once, however often it is asked)",
             operation_id="apps_rosters_api_roster_import_apply")
def roster_import_apply(request, import_id: Id, params: Query[ApplyParams]):
    _record(request, import_id)
    try:
        record = roster_apply_request(actor=request.user, import_id=import_id,
                                      valid_only=params.valid_only)
    except RosterError as exc:
        raise ApiError(exc.reason, exc.message, 400) from None
    return Status(202 if record.status == "applying" else 200, _status(record))
