"""Background work (django.tasks): fire a committed case report's alert; watch the clocks."""

from django.tasks import task

from apps.emergency.response import triggers_escalate, triggers_mark_traced_complete
from apps.emergency.triggers import alert_fire


@task()
def fire_alert(report_id: int) -> dict:
    """After a case report commits: triggers, trace-back, follow-ups, notifications."""
    return alert_fire(report_id=report_id).__dict__


@task()
def watch_trigger_clocks() -> dict:
    """Every minute (settings.PERIODIC_TASKS): escalate triggers past their deadline without
    acknowledgement, and stamp trace-backs whose follow-ups are all closed."""
    return {"escalated": triggers_escalate(), "traced": triggers_mark_traced_complete()}
