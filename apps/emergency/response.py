"""Writes: a school answering its trigger (acknowledge, decide the mode), the clocks that
watch every school (escalation at the deadline, trace-back completion), and drills' triggers.

The clocks are conditional UPDATEs over all triggers at once: running them twice, or on two
workers, stamps each trigger once and alerts each bureau once."""

from datetime import datetime

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import FieldError, ValidationFailed
from apps.core.signals import send_late_items_resolved
from apps.emergency.models import (
    Alert,
    CaseReport,
    ModeDecision,
    SchoolTrigger,
)
from apps.emergency.selectors import school_mode
from apps.emergency.services import mode_switch
from apps.followups.models import FollowUp, FollowUpStatus

RESPOND = "emergency.respond"


def _mine(actor, trigger_id: int) -> SchoolTrigger:
    trigger = (SchoolTrigger.objects.restrict(actor, RESPOND).select_for_update()
               .filter(pk=trigger_id).first())
    if trigger is None:
        raise Http404
    return trigger


def _stamp_first_action(trigger_id: int, at: datetime) -> None:
    SchoolTrigger.objects.filter(pk=trigger_id, first_action_at__isnull=True).update(
        first_action_at=at)


@transaction.atomic
def trigger_acknowledge(*, actor, trigger_id: int) -> SchoolTrigger:
    """The school has seen the trigger; acknowledging again changes nothing."""
    trigger = _mine(actor, trigger_id)
    if trigger.acknowledged_at is None:
        trigger.acknowledged_at = timezone.now()
        trigger.acknowledged_by = actor
        trigger.save(update_fields=["acknowledged_at", "acknowledged_by"])
        send_late_items_resolved(sender=SchoolTrigger, school_id=trigger.school_id)
    return trigger


@transaction.atomic
def trigger_decide_mode(*, actor, trigger_id: int, mode: str, reason: str = "") -> SchoolTrigger:
    """Switch the school's mode for the trigger, or record why it stays. Deciding
    acknowledges too, and is the school's first action when nothing came before."""
    trigger = _mine(actor, trigger_id)
    now = timezone.now()
    current = school_mode(school_id=trigger.school_id)
    if mode == current:
        if not reason.strip():
            raise ValidationFailed([FieldError(
                "reason", "required", _("Say why the mode stays as it is."))])
        decision = ModeDecision.KEPT
    else:
        mode_switch(actor=actor, school_id=trigger.school_id, mode=mode, reason=reason or _(
            "Trigger response"), drill=trigger.drill)
        decision = ModeDecision.SWITCHED
    trigger.mode_decision = decision
    trigger.mode_reason = reason.strip()
    trigger.mode_decided_at = now
    if trigger.acknowledged_at is None:
        trigger.acknowledged_at, trigger.acknowledged_by = now, actor
    trigger.save(update_fields=["mode_decision", "mode_reason", "mode_decided_at",
                                "acknowledged_at", "acknowledged_by"])
    _stamp_first_action(trigger.pk, now)
    return trigger


def triggers_escalate(*, now: datetime | None = None) -> int:
    """Stamp every trigger past its deadline without acknowledgement as escalated, once,
    and alert the county bureau above each such school (one message per bureau user)."""
    from apps.emergency.triggers import notify_escalations

    now = now or timezone.now()
    with transaction.atomic():
        late = list(SchoolTrigger.objects.filter(
            acknowledged_at__isnull=True, escalated_at__isnull=True, deadline__lt=now,
        ).values_list("pk", flat=True)[:50000])
        if not late:
            return 0
        # The conditional UPDATE claims them: a second worker finds nothing left.
        claimed = SchoolTrigger.objects.filter(pk__in=late, escalated_at__isnull=True).update(
            escalated_at=now)
        notify_escalations(trigger_ids=late, now=now)
    return claimed


def triggers_mark_traced_complete(*, now: datetime | None = None) -> int:
    """Stamp triggers whose every trace-back follow-up is closed (one UPDATE)."""
    now = now or timezone.now()
    open_followups = FollowUp.objects.filter(
        school_id=OuterRef("school_id"), kind="trace_back", status=FollowUpStatus.OPEN,
        source=OuterRef("source_key"))
    return (SchoolTrigger.objects.filter(traced_at__isnull=False,
                                         traceback_completed_at__isnull=True)
            .annotate(source_key=Concat(Value("alert:"), Cast("alert_id", CharField())))
            .annotate(pending=Exists(open_followups)).filter(pending=False)
            .update(traceback_completed_at=now))


@transaction.atomic
def drill_trigger_create(*, actor, school_id: int, scenario: str) -> SchoolTrigger:
    """A drill: a drill report for the school's own county, firing a drill alert that reaches
    this school only, with the real clock and trace-back, and nothing sent outside."""
    from apps.emergency.triggers import alert_fire
    from apps.orgs.models import School

    school = School.objects.restrict(actor, "emergency.mode").filter(pk=school_id).first()
    if school is None:
        raise Http404
    now = timezone.now()
    alert = Alert.objects.create(region_id=school.region_id, opened_at=now, last_report_at=now,
                                 merge_until=now, drill=True, drill_school=school)
    report = CaseReport.objects.create(
        region_id=school.region_id, reported_on=timezone.localdate(now), cases=1,
        source=_("Drill: %(scenario)s") % {"scenario": scenario}, entered_by=actor,
        entered_at=now, alert=alert, drill=True)
    alert_fire(report_id=report.pk, school_ids=[school.pk], force_reach=True)
    return SchoolTrigger.objects.get(alert=alert, school=school)
