"""Background work (django.tasks): refresh when areas are due, and remind who is on duty."""

from django.tasks import task

from apps.disinfection import schedule, services
from apps.disinfection.models import Area


@task()
def remind_overdue_areas() -> dict:
    """Every few minutes (settings.PERIODIC_TASKS): the areas' due times again by each school's
    mode and policy (an override or a pack switched since), then a reminder for each area
    newly overdue; each once per time it fell due."""
    school_ids = list(Area.objects.filter(active=True).values_list("school_id", flat=True)
                      .distinct().order_by("school_id"))
    refreshed = schedule.due_refresh(school_ids=school_ids)
    return {"refreshed": refreshed, "reminded": services.overdue_remind()}
