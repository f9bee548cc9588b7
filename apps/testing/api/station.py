"""The sampling station's API (under /api/v1/testing): open a tube (optionally with its scans
and closing it, in one request), add scans, undo a scan, close a tube, list a round's tubes;
and the rounds themselves: list, create (with their plan), open, close.

Scans need "testing.sample", the list "testing.view" or "testing.sample"; out of scope is a
404. Each scan is answered on its own: `{"index", "client_id", "status", ...}` with status
added, duplicate (a replay, or a double scan), single (refused in the pool: a single tube
was opened for the person) or refused (with `field`, `reason` and `message`).
"""

from datetime import date, datetime

from django.conf import settings
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.access.audit import access_view
from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Count, Id
from apps.testing.selectors.station import round_for, round_progress, rounds_visible, tubes_of_round
from apps.testing.services import rounds, station

router = Router(tags=["testing: sampling station"])


class ScanIn(Schema):
    client_id: str = Field(..., max_length=64,
                           description="the scan's own id: repeat it on a retry")
    code: str = Field(..., max_length=200, description="a personal code (SD1.…) or a number")


class TubeOpenIn(Schema):
    client_id: str = Field(..., max_length=64, description="repeat it on a retry")
    pool_size: Count | None = Field(None, description="1, 5, 10 or 20; default: the policy's")
    barcode: str = Field("", max_length=40, description="if scanned first")
    station: str = ""
    scans: list[ScanIn] = Field(default_factory=list)
    close: bool = Field(False, description="close the tube after these scans")


class ScansIn(Schema):
    scans: list[ScanIn] = Field(default_factory=list)
    barcode: str = Field("", max_length=40)
    close: bool = False


class UndoIn(Schema):
    sample_id: Id | None = None
    client_id: str = Field("", max_length=64, description="the undone scan's client id")


class CloseIn(Schema):
    barcode: str = Field("", max_length=40)


class TubeOut(Schema):
    id: int
    round_id: int
    barcode: str | None
    pool_size: int
    station: str
    single_reason: str
    status: str
    result: str
    opened_at: datetime
    closed_at: datetime | None
    recheck_of_id: int | None
    client_id: str


class TubeListOut(TubeOut):
    samples: int = Field(0, alias="live")


class OutcomeOut(Schema):
    index: int
    client_id: str
    status: str
    person_id: int | None
    name: str
    sample_id: int | None
    tube_id: int | None
    field: str
    reason: str
    message: str


class ReportOut(Schema):
    tube: TubeOut
    samples: int
    full: bool
    needs_barcode: bool
    scans: list[OutcomeOut]


class SampleOut(Schema):
    id: int
    tube_id: int
    person_id: int | None  # None once anonymised (retention_tests_days)
    client_id: str
    removed_at: datetime | None


def _scans(items: list[ScanIn]) -> list[station.ScanIn]:
    return [station.ScanIn(client_id=s.client_id, code=s.code) for s in items]


def _report(report: station.ScanReport) -> dict:
    return {"tube": report.tube, "samples": report.live, "full": report.full,
            "needs_barcode": report.needs_barcode, "scans": report.outcomes}


@router.post("/rounds/{round_id}/tubes", response={201: ReportOut},
             summary="Open a tube (with its scans, and closing it, if sent together)")
def tube_open(request, round_id: Id, payload: TubeOpenIn):
    report = station.tube_open(
        actor=request.user, round_id=round_id, client_id=payload.client_id,
        pool_size=payload.pool_size, barcode=payload.barcode, station=payload.station,
        scans=_scans(payload.scans), close=payload.close,
    )
    return Status(201, _report(report))


@router.post("/tubes/{tube_id}/scans", response=ReportOut, summary="Add scans to a tube")
def tube_scan(request, tube_id: Id, payload: ScansIn):
    report = station.tube_scan(actor=request.user, tube_id=tube_id,
                               scans=_scans(payload.scans), barcode=payload.barcode,
                               close=payload.close)
    return _report(report)


@router.post("/tubes/{tube_id}/undo", response=SampleOut, summary="Undo a scan")
def sample_undo(request, tube_id: Id, payload: UndoIn):
    return station.sample_undo(actor=request.user, tube_id=tube_id,
                               sample_id=payload.sample_id, client_id=payload.client_id)


@router.post("/tubes/{tube_id}/close", response=ReportOut, summary="Close a tube")
def tube_close(request, tube_id: Id, payload: CloseIn):
    return _report(station.tube_close(actor=request.user, tube_id=tube_id,
                                      barcode=payload.barcode))


@router.get("/rounds/{round_id}/tubes", response=list[TubeListOut],
            summary="The tubes of a round, newest first")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def tube_list(request, round_id: Id, status: str = ""):
    return tubes_of_round(user=request.user, round_id=round_id, status=status)


@router.get("/tubes/{tube_id}", response=TubeListOut, summary="One tube")
def tube_get(request, tube_id: Id):
    from apps.testing.selectors.station import tube_get as get

    tube = get(user=request.user, tube_id=tube_id)
    access_view(request=request, action="view_tests", obj=tube, fields="result")
    return tube



# ---- rounds ---------------------------------------------------------------------------------


class RoundIn(Schema):
    school_id: Id
    name: str = Field(..., max_length=100)
    kind: str = Field(..., description="pcr_pooled, pcr_single or antigen")
    scope: str = Field(..., description="school, key_population, klass, list or share")
    scope_detail: dict = Field(default_factory=dict, description=(
        '{"klass_ids": [..]} for klass, {"numbers": "A001\\nA002"} or {"person_ids": [..]} '
        'for list, {"share_percent": 20} for share'))
    day: date
    days: Count = 1
    daily_share: Count | None = None
    stations: list[str] = Field(default_factory=list)
    drill: bool = False


class RoundOut(Schema):
    id: int
    school_id: int
    name: str
    kind: str
    scope: str
    scope_detail: dict
    day: date
    days: int
    daily_share: int | None
    stations: list
    status: str
    pooling: dict
    drill: bool
    opened_by: str = Field(..., description="person, or system: the pack's testing cycle "
                           "(whole_school_testing_days, daily_testing_percent) opened it")
    reason: str = Field(..., description="why the testing cycle opened it, naming the pack "
                        "and parameter; empty for a round made by hand")
    created_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None


class ProgressOut(Schema):
    members: int
    sampled: int
    tubes_open: int
    tubes_closed: int


class RoundDetailOut(RoundOut):
    progress: ProgressOut


@router.get("/rounds", response=list[RoundOut], summary="The rounds in scope, newest first")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def round_list(request, status: str = ""):
    found = rounds_visible(user=request.user).order_by("-day", "-id")
    return found.filter(status=status) if status else found


@router.post("/rounds", response={201: RoundOut},
             summary="Create a round and plan its members' days (testing.manage)")
def round_create(request, payload: RoundIn):
    made = rounds.round_create(actor=request.user, **payload.dict())
    return Status(201, made)


@router.get("/rounds/{round_id}", response=RoundDetailOut, summary="A round and its progress")
def round_get(request, round_id: Id):
    found = round_for(user=request.user, round_id=round_id)
    found.progress = round_progress(test_round=found)
    return found


@router.post("/rounds/{round_id}/open", response=RoundOut, summary="Open a round for sampling")
def round_open(request, round_id: Id):
    return rounds.round_open(actor=request.user, round_id=round_id)


@router.post("/rounds/{round_id}/close", response=RoundOut, summary="Close a round")
def round_close(request, round_id: Id):
    return rounds.round_close(actor=request.user, round_id=round_id)
