"""Writes of the daily report: a school submits its report or a zero report, corrects a
submitted one (a new version with a reason), a bureau reminds a school that has not
submitted, aggregates its schools' and child bureaus' submitted reports into its own and
submits it upward. Each is one transaction and raises ValidationFailed naming the field."""

from datetime import date
from functools import partial

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import FieldError, ValidationFailed
from apps.core.signals import send_late_items_resolved
from apps.reports.drafting import reports_draft
from apps.reports.figures import LABELS, summed, to_report
from apps.reports.models import (
    BureauReport,
    BureauReportVersion,
    DailyReport,
    DailyReportVersion,
    ReportStatus,
)

REASON_MAX = 300


def _school_of(actor, perm: str, school_id: int):
    from apps.orgs.models import School

    school = School.objects.restrict(actor, perm).filter(pk=school_id, active=True).first()
    if school is None:
        raise Http404
    return school


def _locked(school_id: int, day: date) -> DailyReport:
    """The school's report of the day, drafted now if the periodic task has not yet, locked."""
    report = DailyReport.objects.select_for_update().filter(school_id=school_id, day=day).first()
    if report is None:
        reports_draft(day=day, school_ids=[school_id])
        report = DailyReport.objects.select_for_update().get(school_id=school_id, day=day)
    return report


def _fresh_figures(report: DailyReport) -> dict:
    """The figures as they stand now (a submission reports the data of the moment)."""
    from apps.reports.figures import figures_for_schools

    return figures_for_schools(report.day, [report.school_id])[report.school_id]


@transaction.atomic
def report_submit(*, actor, school_id: int, day: date, zero: bool = False) -> DailyReport:
    """Submit the school's report of the day (a zero report with `zero`): version 1, late if
    after its deadline. A report already submitted is returned as it is (a repeated tap)."""
    _school_of(actor, "reports.submit", school_id)
    report = _locked(school_id, day)
    if report.status == ReportStatus.SUBMITTED:
        return report
    figures = _fresh_figures(report)
    if zero:
        found = to_report(figures)
        if found:
            names = "、".join(str(LABELS[name]) for name in found)
            raise ValidationFailed([FieldError("zero", "something_to_report", _(
                "There is something to report (%(figures)s): submit the daily report instead "
                "of a zero report.") % {"figures": names})])
    now = timezone.now()
    late = now > report.due_at
    report.figures, report.zero, report.late = figures, zero, late
    report.status, report.version = ReportStatus.SUBMITTED, 1
    report.submitted_at, report.submitted_by = now, actor
    report.save()
    DailyReportVersion.objects.create(school_id=school_id, report=report, number=1,
                                      figures=figures, zero=zero, submitted_at=now,
                                      submitted_by=actor, late=late)
    send_late_items_resolved(sender=DailyReport, school_id=school_id)
    _roll_up_if_past(day)
    return report


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([FieldError("reason", "required",
                                           _("Say why the report is corrected."))])
    if len(reason) > REASON_MAX:
        raise ValidationFailed([FieldError("reason", "too_long", _(
            "At most %(n)d characters.") % {"n": REASON_MAX})])
    return reason


@transaction.atomic
def report_correct(*, actor, school_id: int, day: date, reason: str) -> DailyReport:
    """A correction of a submitted report: a new version with the figures as they stand now
    and the reason; the versions before it are kept as they were."""
    _school_of(actor, "reports.submit", school_id)
    reason = _reason(reason)
    report = _locked(school_id, day)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationFailed([FieldError("report", "not_submitted", _(
            "The report is not submitted yet: submit it, nothing needs correcting."))])
    now = timezone.now()
    report.figures, report.zero = _fresh_figures(report), False
    report.version += 1
    report.save(update_fields=["figures", "zero", "version"])
    DailyReportVersion.objects.create(school_id=school_id, report=report, number=report.version,
                                      figures=report.figures, submitted_at=now,
                                      submitted_by=actor, late=now > report.due_at,
                                      reason=reason)
    _roll_up_if_past(day)
    return report


def _roll_up_if_past(day: date) -> None:
    """An earlier day's regional sums (the trends) summed again once this commits; today's
    are the drafting sweep's (one roll-up for the province, not one per submission)."""
    if day < timezone.localdate():
        from apps.reports.tasks import roll_up_region_day

        transaction.on_commit(partial(roll_up_region_day.enqueue, day.isoformat()))


@transaction.atomic
def report_remind(*, actor, school_id: int, day: date) -> int:
    """Remind the school's outbreak reporters and school admins that its report of the day is
    not submitted: once a day (a second click sends nothing). Returns the messages sent."""
    from apps.absence.detection import school_handlers
    from apps.notifications.services import notification_send

    school = _school_of(actor, "reports.supervise", school_id)
    report = _locked(school_id, day)
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationFailed([FieldError("report", "submitted", _(
            "%(school)s has submitted its report: there is nothing to remind.")
            % {"school": school.name})])
    sent = notification_send(
        recipient_ids=school_handlers(school_id), kind="reports.remind", severity="warning",
        subject=lambda: _("The daily report of %(day)s is not submitted yet: please submit it "
                          "(or a zero report) now.") % {"day": day.isoformat()},
        link=f"/reports/school/{school_id}/?day={day.isoformat()}", school_id=school_id,
        dedupe_key=f"reports.remind:{school_id}:{day.isoformat()}")
    if report.reminded_at is None:
        report.reminded_at = timezone.now()
        report.save(update_fields=["reminded_at"])
    return sent


def _own_bureau(actor, bureau_id: int):
    from apps.reports.selectors import own_bureaus

    bureau = next((b for b in own_bureaus(actor) if b.pk == bureau_id), None)
    if bureau is None:
        raise Http404
    return bureau


def _aggregate(bureau, day: date) -> tuple[dict, dict]:
    """The sums of the bureau's own schools' and child bureaus' submitted reports, and how
    many of each were included."""
    from apps.orgs.models import Bureau, School

    schools = list(School.objects.filter(bureau=bureau, active=True).values_list("pk", flat=True))
    children = list(Bureau.objects.filter(parent=bureau).values_list("pk", flat=True))
    school_rows = list(DailyReport.objects.filter(
        school_id__in=schools, day=day, status=ReportStatus.SUBMITTED)
        .values_list("figures", "late"))
    bureau_rows = list(BureauReport.objects.filter(
        bureau_id__in=children, day=day, status=ReportStatus.SUBMITTED)
        .values_list("figures", "counts"))
    figures = summed([f for f, _late in school_rows] + [f for f, _c in bureau_rows])
    counts = {"schools": len(schools), "schools_submitted": len(school_rows),
              "schools_late": sum(1 for _f, late in school_rows if late),
              "bureaus": len(children), "bureaus_submitted": len(bureau_rows),
              "schools_below": sum(c.get("schools", 0) + c.get("schools_below", 0)
                                   for _f, c in bureau_rows),
              "schools_below_submitted": sum(
                  c.get("schools_submitted", 0) + c.get("schools_below_submitted", 0)
                  for _f, c in bureau_rows)}
    return figures, counts


@transaction.atomic
def bureau_report_aggregate(*, actor, bureau_id: int, day: date) -> BureauReport:
    """(Re)compute the bureau's own report of the day from what is submitted below it; a
    submitted bureau report is frozen and returned as it is."""
    bureau = _own_bureau(actor, bureau_id)
    report = BureauReport.objects.select_for_update().filter(bureau=bureau, day=day).first()
    if report is not None and report.status == ReportStatus.SUBMITTED:
        return report
    figures, counts = _aggregate(bureau, day)
    report, _created = BureauReport.objects.update_or_create(
        bureau=bureau, day=day, defaults={"figures": figures, "counts": counts,
                                          "aggregated_at": timezone.now()})
    return report


@transaction.atomic
def bureau_report_submit(*, actor, bureau_id: int, day: date, reason: str = "") -> BureauReport:
    """Submit the bureau's report upward (aggregated afresh); a repeated submission returns it
    unchanged; with a reason, a submitted report is corrected: a new version."""
    bureau = _own_bureau(actor, bureau_id)
    report = BureauReport.objects.select_for_update().filter(bureau=bureau, day=day).first()
    if report is not None and report.status == ReportStatus.SUBMITTED and not reason:
        return report
    if report is not None and report.status == ReportStatus.SUBMITTED:
        reason = _reason(reason)
    figures, counts = _aggregate(bureau, day)
    now = timezone.now()
    number = (report.version if report else 0) + 1
    report, _created = BureauReport.objects.update_or_create(
        bureau=bureau, day=day, defaults={
            "figures": figures, "counts": counts, "aggregated_at": now,
            "status": ReportStatus.SUBMITTED, "version": number, "submitted_at": now,
            "submitted_by": actor})
    BureauReportVersion.objects.create(bureau=bureau, report=report, number=number,
                                       figures=figures, counts=counts, submitted_at=now,
                                       submitted_by=actor, reason=reason if number > 1 else "")
    return report
