"""Background tasks of the access app (settings.PERIODIC_TASKS runs them)."""

from django.tasks import task


@task()
def remove_ended_roles() -> int:
    """Every SHAODIAN_ROLES_SWEEP_SECONDS: the roles whose last day has passed go
    (apps.access.appointments.roles_ended_remove); returns how many."""
    from apps.access.appointments import roles_ended_remove

    return roles_ended_remove()
