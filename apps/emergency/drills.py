"""Drills (应急演练): schedule a scenario, run it as a drill trigger with the real 30-minute
clock and the school's plan as a real checklist (every message drill-flagged, so nothing
reaches parents or outside contacts), finish it with participants and findings, and compare
the timings of a school's drills over time."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.errors import FieldError, ValidationFailed
from apps.emergency.models import Drill, PlanRun
from apps.emergency.plans import (
    MANAGE,
    check_manage,
    plan_run_start,
    run_counts,
    school_for_read,
)


def _drill_trigger_create(*, actor, school_id: int, scenario: str):
    """A drill alert and a drill trigger for this one school, with the 30-minute clock, and
    the trace-back run in drill mode (apps.emergency.response)."""
    from apps.emergency.response import drill_trigger_create

    return drill_trigger_create(actor=actor, school_id=school_id, scenario=scenario)


def _fail(field: str, reason: str, message) -> ValidationFailed:
    return ValidationFailed([FieldError(field, reason, message)])


def _drill_for_manage(actor, drill_id: int) -> Drill:
    drill = Drill.objects.restrict(actor, MANAGE).select_for_update().filter(pk=drill_id).first()
    if drill is None:
        raise Http404
    return drill


@transaction.atomic
def drill_schedule(*, actor, school_id: int, scenario: str, scheduled_for: datetime) -> Drill:
    check_manage(actor, school_id)
    scenario = scenario.strip()
    if not scenario:
        raise _fail("scenario", "required", _("Describe the scenario to rehearse."))
    if scheduled_for is None:
        raise _fail("scheduled_for", "required", _("Say when the drill takes place."))
    return Drill.objects.create(school_id=school_id, scenario=scenario[:200],
                                scheduled_for=scheduled_for, created_by=actor)


@transaction.atomic
def drill_start(*, actor, drill_id: int) -> Drill:
    """Fire the drill trigger and start the plan on it. Starting a started drill changes
    nothing."""
    drill = _drill_for_manage(actor, drill_id)
    if drill.started_at:
        return drill
    trigger = _drill_trigger_create(actor=actor, school_id=drill.school_id,
                                    scenario=drill.scenario)
    plan_run_start(actor=actor, school_id=drill.school_id, trigger_id=trigger.pk, drill=True)
    drill.trigger = trigger
    drill.started_at = trigger.fired_at or timezone.now()
    drill.save(update_fields=["trigger", "started_at"])
    return drill


@transaction.atomic
def drill_finish(*, actor, drill_id: int, participants: int, findings: str) -> Drill:
    """Record the end of a drill: how many took part and what was found. Its plan run is
    closed with it; open tasks stay open in the record (they count as not done)."""
    drill = _drill_for_manage(actor, drill_id)
    if not drill.started_at:
        raise _fail("drill", "not_started", _("Start the drill before finishing it."))
    if drill.finished_at:
        raise _fail("drill", "finished", _("This drill is already finished."))
    if isinstance(participants, bool) or not isinstance(participants, int) or not (
            0 < participants <= 100_000):
        raise _fail("participants", "out_of_range", _("Say how many people took part."))
    now = timezone.now()
    drill.participants = participants
    drill.findings = findings.strip()
    drill.finished_at = now
    drill.save(update_fields=["participants", "findings", "finished_at"])
    if drill.trigger_id:
        PlanRun.objects.filter(trigger_id=drill.trigger_id, finished_at__isnull=True).update(
            finished_at=now)
    return drill


# ---- reads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrillTimings:
    """Minutes from the drill trigger firing to acknowledgement, to the first action and to
    the trace-back's completion (None: not reached), and the checklist's task counts."""

    acknowledge: float | None
    first_action: float | None
    traceback: float | None
    tasks: int
    on_time: int
    late: int
    open: int


def _minutes(start, end) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 60, 1)


def drill_timings(drills: list[Drill]) -> dict[int, DrillTimings]:
    """Timings of many drills: one query for their runs' task counts."""
    runs = dict(PlanRun.objects.filter(trigger_id__in=[d.trigger_id for d in drills
                                                       if d.trigger_id])
                .values_list("trigger_id", "pk"))
    counts = run_counts(list(runs.values()))
    out = {}
    for d in drills:
        t = d.trigger
        c = counts.get(runs.get(d.trigger_id))
        fired = t.fired_at if t else None
        out[d.pk] = DrillTimings(
            acknowledge=_minutes(fired, t.acknowledged_at) if t else None,
            first_action=_minutes(fired, t.first_action_at) if t else None,
            traceback=_minutes(fired, t.traceback_completed_at) if t else None,
            tasks=c.total if c else 0, on_time=c.on_time if c else 0,
            late=c.late if c else 0, open=c.open if c else 0)
    return out


def drills_for_school(*, user, school_id: int):
    school_for_read(user, school_id)
    return (Drill.objects.filter(school_id=school_id).select_related("trigger", "created_by")
            .order_by("-scheduled_for"))


def drill_detail(*, user, drill_id: int) -> Drill:
    drill = Drill.objects.select_related("trigger", "school__hospital").filter(
        pk=drill_id).first()
    if drill is None:
        raise Http404
    school_for_read(user, drill.school_id)
    return drill


def drill_run(drill: Drill) -> PlanRun | None:
    if not drill.trigger_id:
        return None
    return PlanRun.objects.filter(trigger_id=drill.trigger_id).first()


def drill_chart(drills: list[Drill], timings: dict[int, DrillTimings]) -> dict:
    """A line per timing across the started drills, oldest first, for Chart.js."""
    started = sorted((d for d in drills if d.started_at), key=lambda d: d.started_at)
    local = [timezone.localtime(d.started_at) for d in started]
    return {
        "labels": [f"{t:%Y-%m-%d}" for t in local],
        "series": [
            {"title": str(_("To acknowledge")),
             "values": [timings[d.pk].acknowledge for d in started]},
            {"title": str(_("To first action")),
             "values": [timings[d.pk].first_action for d in started]},
            {"title": str(_("To trace-back done")),
             "values": [timings[d.pk].traceback for d in started]},
        ],
        "deadline": 30,
        "deadline_title": str(_("30-minute deadline")),
        "unit": str(_("minutes")),
    }
