"""Background work of daily health: the status recompute after abnormal check-ins (enqueued
by apps.health.apps on `checkins_changed`), and the reminder sweep (settings.PERIODIC_TASKS).
"""

from django.tasks import task


@task()
def recompute_after_checkins(school_id: int, person_ids: list[int]) -> int:
    """After abnormal check-ins (or corrections of them) of these persons of one school; the
    status history names the daily check-in as the cause."""
    from apps.status.services import CAUSE_CHECKIN, status_recompute_persons

    return status_recompute_persons(school_id=school_id, person_ids=person_ids,
                                    reason=CAUSE_CHECKIN)


@task()
def send_checkin_reminders() -> int:
    """Every few minutes: for each of today's slots whose reminder time has passed, remind
    who has not checked in (and their guardians), give class teachers their missing lists and
    the outbreak reporters the abnormal results, once per school, day and slot."""
    from apps.health.reminders import reminders_send_due

    return reminders_send_due()
