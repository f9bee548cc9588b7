"""Background work of guardians' binding (settings.PERIODIC_TASKS)."""

from django.tasks import task


@task()
def prune_binding_failures() -> int:
    """Delete wrong-code entries no lockout window can still count; returns how many went."""
    from apps.families.services import binding_failures_prune

    return binding_failures_prune()
