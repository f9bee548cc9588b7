"""Background work of isolation (django.tasks). The isolations with no care visit today are
read live on the home pages (apps.web.urgent.isolation_urgent), and the school's epidemic
office is reminded of them once a day from the pack's reminder time (apps.isolation.reminders)."""

from django.tasks import task

from apps.isolation.reminders import care_remind


@task()
def remind_missing_care() -> int:
    """Every few minutes (settings.PERIODIC_TASKS): each isolation with no care visit today,
    in a school whose reminder time has come, reminded once that day."""
    return care_remind()
