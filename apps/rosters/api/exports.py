"""Export endpoints: the same workbooks and scope as the pages. GET is masked; POST with a
reason gives full ID numbers and phones to a user allowed to see every exported person.

An export of more than settings.ROSTER_EXPORT_SYNC_ROWS rows is written by the worker, as
for the pages (apps.rosters.services.export_jobs): the answer is 202 with the export's id, the URL
to poll (GET /exports/jobs/{id}: queued, done or failed) and the URL of the file, which
only its requester may download once it is done."""

from datetime import datetime

from django.urls import reverse
from ninja import Query, Router, Schema, Status

from apps.core.schema_types import Id
from apps.rosters.models import RosterExport
from apps.rosters.services import exports
from apps.rosters.services.export_jobs import (
    export_is_large,
    roster_export_for,
    roster_export_request,
)
from apps.rosters.views.exports import download, finished_download

# Each operation keeps the id it was published with before the rosters API became a
# package (ninja derives ids from the module): clients generated from the OpenAPI use it.
router = Router(tags=["exports"])

WORKBOOK = {200: {"description": "The workbook (.xlsx), streamed",
                  "content": {"application/vnd.openxmlformats-officedocument."
                              "spreadsheetml.sheet": {}}}}


class Filters(Schema):
    q: str = ""
    school: Id | None = None
    unit: Id | None = None
    klass: Id | None = None
    kind: str = ""
    residence: str = ""


class ExportRevealIn(Filters):
    reason: str


class ExportJobOut(Schema):
    export_id: int
    list_name: str
    status: str  # queued | done | failed
    reveal: bool
    rows: int
    file_name: str
    failure: str
    created_at: datetime
    finished_at: datetime | None
    url: str  # this status, to poll
    file_url: str  # the workbook, once the status is done


def _filters(data: Schema) -> dict:
    return exports.parse_filters(data.model_dump(exclude={"reason"}))


def _job(record: RosterExport) -> dict:
    from shaodian.api import api  # not at import: shaodian.api imports this router

    namespace = api.urls_namespace
    return {"export_id": record.pk, "list_name": record.list_name, "status": record.status,
            "reveal": record.reveal, "rows": record.rows, "file_name": record.file_name,
            "failure": record.failure, "created_at": record.created_at,
            "finished_at": record.finished_at,
            "url": reverse(f"{namespace}:export_job", args=[record.pk]),
            "file_url": reverse(f"{namespace}:export_job_file", args=[record.pk])}


def _queued(request, list_name: str, filters: dict, **reveal):
    """A large export queued for the worker (202 with where to follow it), else None."""
    if not export_is_large(user=request.user, list_name=list_name, filters=filters):
        return None
    record = roster_export_request(user=request.user, list_name=list_name, filters=filters,
                                   ip=request.META.get("REMOTE_ADDR") or None, **reveal)
    return Status(202, _job(record))


@router.get("/people.xlsx", response={202: ExportJobOut}, openapi_extra={"responses": WORKBOOK},
            summary="People as .xlsx, ID numbers and phones masked (202 when large)",
            operation_id="apps_rosters_export_api_people_xlsx")
def people_xlsx(request, filters: Query[Filters]):
    parsed = _filters(filters)
    return _queued(request, "people", parsed) or download(
        exports.export_people_xlsx(user=request.user, filters=parsed))


@router.post("/people.xlsx", response={202: ExportJobOut}, openapi_extra={"responses": WORKBOOK},
             summary="People as .xlsx with full ID numbers; needs a reason (202 when large)",
             operation_id="apps_rosters_export_api_people_xlsx_revealed")
def people_xlsx_revealed(request, payload: ExportRevealIn):
    parsed = _filters(payload)
    queued = _queued(request, "people", parsed, reveal=True, reason=payload.reason)
    if queued is not None:
        return queued
    result = exports.export_people_xlsx(
        user=request.user,
        filters=parsed,
        reveal=True,
        reveal_reason=payload.reason,
        ip=request.META.get("REMOTE_ADDR") or None,
    )
    return download(result)


@router.get("/classes.xlsx", response={202: ExportJobOut}, openapi_extra={"responses": WORKBOOK},
            summary="Classes with student counts as .xlsx (202 when large)",
            operation_id="apps_rosters_export_api_classes_xlsx")
def classes_xlsx(request, filters: Query[Filters]):
    parsed = _filters(filters)
    return _queued(request, "classes", parsed) or download(
        exports.export_classes_xlsx(user=request.user, filters=parsed))


@router.get("/households.xlsx", response={202: ExportJobOut},
            openapi_extra={"responses": WORKBOOK},
            summary="Co-residents of day students as .xlsx, phones masked (202 when large)",
            operation_id="apps_rosters_export_api_households_xlsx")
def households_xlsx(request, filters: Query[Filters]):
    parsed = _filters(filters)
    return _queued(request, "households", parsed) or download(
        exports.export_households_xlsx(user=request.user, filters=parsed))


@router.get("/jobs/{int:export_id}", response=ExportJobOut, url_name="export_job",
            summary="A large export written by the worker: queued, done or failed",
            operation_id="apps_rosters_export_api_export_job")
def export_job(request, export_id: Id):
    return _job(roster_export_for(user=request.user, export_id=export_id))


@router.get("/jobs/{int:export_id}/file", url_name="export_job_file",
            openapi_extra={"responses": WORKBOOK},
            summary="The workbook of a large export, once done (its requester only)",
            operation_id="apps_rosters_export_api_export_job_file")
def export_job_file(request, export_id: Id):
    return finished_download(roster_export_for(user=request.user, export_id=export_id))
