"""Roster import (/rosters/{school_id}/import): a school's student or staff list as
.xlsx, .xls or CSV; a dry run by default, all or nothing when applied."""

from django.conf import settings
from django.http import Http404
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from apps.core.errors import ApiError
from apps.orgs.models import School
from apps.rosters.reading import RosterError
from apps.rosters.services import roster_apply, roster_check

router = Router(tags=["rosters"])


class ImportParams(Schema):
    kind: str = "student"
    dry_run: bool = True
    valid_only: bool = False


class RowErrorOut(Schema):
    row: int
    column: str
    value: str
    reason: str
    message: str


class ImportOut(Schema):
    import_id: int
    dry_run: bool
    new: int
    updated: int
    unchanged: int
    rejected: int
    ignored_columns: list[str]
    errors: list[RowErrorOut]


@router.post(
    "/{school_id}/import",
    response={200: ImportOut, 422: ImportOut},
    summary="Import students or staff from .xlsx, .xls or CSV (dry run by default)",
)
def roster_import(request, school_id: int, file: File[UploadedFile],
                  params: Query[ImportParams]):
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        raise Http404
    try:
        plan = roster_check(actor=request.user, school=school, kind=params.kind,
                            name=file.name or "",
                            data=file.read(settings.ROSTER_MAX_BYTES + 1))  # enough to refuse
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
            "errors": [e.__dict__ for e in plan.errors]}
    return Status(status, body)
