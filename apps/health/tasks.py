"""Background work of daily health: the reminder sweep (settings.PERIODIC_TASKS). The status
recompute after an abnormal check-in is apps.status.tasks.recompute_for_declarations (a
check-in is the person's own declaration of their health), enqueued by apps.health.apps."""

from django.tasks import task


@task()
def send_checkin_reminders() -> int:
    """Every few minutes: for each of today's slots whose reminder time has passed, remind
    who has not checked in (and their guardians), give class teachers their missing lists and
    the outbreak reporters the abnormal results, once per school, day and slot."""
    from apps.health.reminders import reminders_send_due

    return reminders_send_due()
