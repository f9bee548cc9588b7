"""Daily report API (/reports under /api/v1): a school's report of a day with its versions,
submitting it (or a zero report) and correcting it; a bureau's schools of a day (submitted /
late / due / missing), a reminder to a school, the bureau's own report aggregated and
submitted upward. Reading needs "reports.view", submitting "reports.submit", a bureau's
actions "reports.supervise"; out of scope is a 404."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Router, Schema

from apps.core.schema_types import Id
from apps.reports import selectors, services

router = Router(tags=["daily reports"])


class DailyVersionOut(Schema):
    number: int
    figures: dict
    zero: bool
    submitted_at: datetime
    late: bool
    reason: str


class DailyReportOut(Schema):
    school_id: int
    day: date
    state: str = Field(..., description="submitted, late, due (before the deadline) or missing")
    figures: dict
    due_at: datetime | None
    zero: bool
    version: int
    submitted_at: datetime | None
    reminded_at: datetime | None
    versions: list[DailyVersionOut]


class DailySubmitIn(Schema):
    day: date
    zero: bool = Field(False, description="a zero report: refused when there is something "
                                          "to report")


class DailyCorrectIn(Schema):
    day: date
    reason: str


class DailyDayIn(Schema):
    day: date


class DailyBureauSubmitIn(Schema):
    day: date
    reason: str = Field("", description="required to correct a report already submitted")


class DailySchoolLineOut(Schema):
    school_id: int
    name: str
    state: str
    late_30: int
    missing_30: int


class DailyBureauReportOut(Schema):
    bureau_id: int
    day: date
    status: str
    figures: dict
    counts: dict
    version: int
    submitted_at: datetime | None


class DailyBureauOut(Schema):
    bureau_id: int
    day: date
    schools: list[DailySchoolLineOut]
    report: DailyBureauReportOut | None
    children: list[DailyBureauReportOut]


class DailyRemindOut(Schema):
    sent: int


def _report_out(school_id: int, day: date, report, versions) -> dict:
    return {"school_id": school_id, "day": day, "state": selectors.state(report, timezone.now()),
            "figures": report.figures if report else {},
            "due_at": report.due_at if report else None,
            "zero": bool(report and report.zero), "version": report.version if report else 0,
            "submitted_at": report.submitted_at if report else None,
            "reminded_at": report.reminded_at if report else None, "versions": versions}


@router.get("/schools/{school_id}", response=DailyReportOut,
            summary="A school's daily report of a day (today if no day)")
def reports_school(request, school_id: Id, day: date | None = None):
    day = day or timezone.localdate()
    _school, report, versions = selectors.school_report(user=request.user, school_id=school_id,
                                                        day=day)
    return _report_out(school_id, day, report, versions)


def _after(request, school_id: int, day: date) -> dict:
    _school, report, versions = selectors.school_report(user=request.user, school_id=school_id,
                                                        day=day)
    return _report_out(school_id, day, report, versions)


@router.post("/schools/{school_id}/submit", response=DailyReportOut,
             summary="Submit the school's daily report or a zero report (a repeat: unchanged)")
def reports_submit(request, school_id: Id, payload: DailySubmitIn):
    services.report_submit(actor=request.user, school_id=school_id, day=payload.day,
                           zero=payload.zero)
    return _after(request, school_id, payload.day)


@router.post("/schools/{school_id}/correct", response=DailyReportOut,
             summary="Correct a submitted report: a new version with a reason")
def reports_correct(request, school_id: Id, payload: DailyCorrectIn):
    services.report_correct(actor=request.user, school_id=school_id, day=payload.day,
                            reason=payload.reason)
    return _after(request, school_id, payload.day)


@router.post("/schools/{school_id}/remind", response=DailyRemindOut,
             summary="Remind a school that has not submitted (once a day)")
def reports_remind(request, school_id: Id, payload: DailyDayIn):
    return {"sent": services.report_remind(actor=request.user, school_id=school_id,
                                           day=payload.day)}


def _bureau_report_out(report) -> dict:
    return {"bureau_id": report.bureau_id, "day": report.day, "status": report.status,
            "figures": report.figures, "counts": report.counts, "version": report.version,
            "submitted_at": report.submitted_at}


def _bureau_out(request, bureau_id: int, day: date) -> dict:
    bureau = selectors.bureau_get(user=request.user, bureau_id=bureau_id)
    lines = selectors.bureau_schools(user=request.user, bureau=bureau, day=day)
    report = selectors.bureau_report(user=request.user, bureau=bureau, day=day)
    return {"bureau_id": bureau.pk, "day": day,
            "schools": [{"school_id": line.school.pk, "name": line.school.name,
                         "state": line.state, "late_30": line.late_30,
                         "missing_30": line.missing_30} for line in lines],
            "report": _bureau_report_out(report) if report else None,
            "children": [_bureau_report_out(r) for _child, r in selectors.bureau_children(
                user=request.user, bureau=bureau, day=day) if r is not None]}


@router.get("/bureaus/{bureau_id}", response=DailyBureauOut,
            summary="A bureau's schools' reports of a day, its own and its child bureaus'")
def reports_bureau(request, bureau_id: Id, day: date | None = None):
    return _bureau_out(request, bureau_id, day or timezone.localdate())


@router.post("/bureaus/{bureau_id}/aggregate", response=DailyBureauOut,
             summary="Aggregate the bureau's own report from what is submitted below it")
def reports_bureau_aggregate(request, bureau_id: Id, payload: DailyDayIn):
    services.bureau_report_aggregate(actor=request.user, bureau_id=bureau_id, day=payload.day)
    return _bureau_out(request, bureau_id, payload.day)


@router.post("/bureaus/{bureau_id}/submit", response=DailyBureauOut,
             summary="Submit the bureau's report upward (with a reason: a correction)")
def reports_bureau_submit(request, bureau_id: Id, payload: DailyBureauSubmitIn):
    services.bureau_report_submit(actor=request.user, bureau_id=bureau_id, day=payload.day,
                                  reason=payload.reason)
    return _bureau_out(request, bureau_id, payload.day)
