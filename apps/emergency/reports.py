"""Writes: case reports (entered, corrected, withdrawn), each a recorded event; a committed
report fires its alert in the background (apps.emergency.tasks.fire_alert)."""

from datetime import date, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.access.rules import may_in_region
from apps.core.errors import FieldError, ValidationFailed
from apps.emergency.models import CaseReport, CaseReportEvent, CaseReportStatus
from apps.policy.engine.facts import region_within
from apps.regions.selectors import region_resolve

REPORT = "emergency.report"
# A province admin records reports anywhere (trigger 1 comes from other provinces); a bureau
# records reports inside its own area: apps.access.rules.may_in_region with these.
IN_AREA = {"within": region_within, "beyond_province": True}
OLDEST_DAYS = 30  # a report older than this is history, not a trigger


def _check(*, region: str, reported_on: date | None, cases: int, source: str) -> list:
    errors = []
    today = timezone.localdate()
    if reported_on is None:
        errors.append(FieldError("reported_on", "required", _("Give the day of the report.")))
    elif reported_on > today:
        errors.append(FieldError("reported_on", "future", _("The day is in the future.")))
    elif reported_on < today - timedelta(days=OLDEST_DAYS):
        errors.append(FieldError("reported_on", "too_old", _(
            "The report is more than %(days)s days old.") % {"days": OLDEST_DAYS}))
    if cases < 1:
        errors.append(FieldError("cases", "too_few", _("At least one case.")))
    if not source.strip():
        errors.append(FieldError("source", "required",
                                 _("Name the notice the report comes from.")))
    return errors


def _resolve(text: str):
    region = region_resolve(text, field="region")
    if region.level not in ("county", "prefecture", "province"):
        raise ValidationFailed([FieldError("region", "level", _("Give a county or a city."))])
    return region


def report_reach(region: str) -> tuple:
    """(the region, how many schools a report there reaches under their policies now): what
    the form asks the reporter to confirm. Raises ValidationFailed for a region it refuses."""
    from apps.emergency.triggers import reached_schools

    found = _resolve(region)
    return found, len(reached_schools(found.code, None))


def _fire_on_commit(report_id: int) -> None:
    from apps.emergency.tasks import fire_alert

    transaction.on_commit(partial(fire_alert.enqueue, report_id))


@transaction.atomic
def case_report_enter(
    *,
    actor,
    region: str,
    reported_on: date | None,
    cases: int = 1,
    source: str,
    sub_area: str = "",
    client_id: str = "",
    drill: bool = False,
) -> CaseReport:
    """Record local cases reported in a region; the alert fires once this commits. The same
    client id again from the same account returns the first report and changes nothing; a
    client id is the sender's own, so another account's answers as if it were new."""
    replay = _replayed(actor, client_id)
    if replay:
        return replay
    errors = _check(region=region, reported_on=reported_on, cases=cases, source=source)
    try:
        found = _resolve(region)
    except ValidationFailed as exc:
        errors = exc.errors + errors
        found = None
    if errors:
        raise ValidationFailed(errors)
    if not may_in_region(actor, REPORT, found.code, **IN_AREA):
        raise Http404
    try:
        with transaction.atomic():
            report = CaseReport.objects.create(
                region=found, sub_area=sub_area.strip(), reported_on=reported_on, cases=cases,
                source=source.strip(), entered_by=actor, client_id=client_id, drill=drill)
    except IntegrityError:  # the same client id, sent twice at once
        return CaseReport.objects.get(entered_by=actor, client_id=client_id)
    CaseReportEvent.objects.create(report=report, kind="entered", by=actor, at=report.entered_at)
    _fire_on_commit(report.pk)
    return report


def _replayed(actor, client_id: str) -> CaseReport | None:
    """The report this account already sent with this client id, if it may still see it (a
    right withdrawn since answers 404, like any report outside one's scope)."""
    existing = client_id and CaseReport.objects.filter(entered_by=actor,
                                                       client_id=client_id).first()
    if existing and not may_in_region(actor, REPORT, existing.region_id, **IN_AREA):
        raise Http404
    return existing or None


def _editable(actor, report_id: int) -> CaseReport:
    report = CaseReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None or not may_in_region(actor, REPORT, report.region_id, **IN_AREA):
        raise Http404
    if report.status != CaseReportStatus.ACTIVE:
        raise ValidationFailed([FieldError("status", "withdrawn",
                                           _("The report is withdrawn."))])
    return report


@transaction.atomic
def case_report_correct(*, actor, report_id: int, reason: str, cases: int | None = None,
                        sub_area: str | None = None, source: str | None = None) -> CaseReport:
    """Correct the number of cases, the street or the source: the region and the day stay
    (a different place is a new report). The event keeps what changed and why."""
    report = _editable(actor, report_id)
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", "required", _("Say why."))])
    changes = {}
    for field, value in (("cases", cases), ("sub_area", sub_area), ("source", source)):
        if value is not None and value != getattr(report, field):
            changes[field] = [getattr(report, field), value]
            setattr(report, field, value)
    errors = _check(region=report.region_id, reported_on=report.reported_on,
                    cases=report.cases, source=report.source)
    errors = [e for e in errors if e.field != "reported_on"]
    if errors:
        raise ValidationFailed(errors)
    if changes:
        report.save(update_fields=list(changes))
        CaseReportEvent.objects.create(report=report, kind="corrected", by=actor,
                                       reason=reason.strip(), changes=changes)
        _fire_on_commit(report.pk)  # a wider area or more cases may reach more people
    return report


@transaction.atomic
def case_report_withdraw(*, actor, report_id: int, reason: str) -> CaseReport:
    """Withdraw a report entered in error. Triggers already fired stay on record (schools
    responded to them); the alert stops growing from this report."""
    report = _editable(actor, report_id)
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", "required", _("Say why."))])
    report.status = CaseReportStatus.WITHDRAWN
    report.save(update_fields=["status"])
    CaseReportEvent.objects.create(report=report, kind="withdrawn", by=actor,
                                   reason=reason.strip())
    return report
