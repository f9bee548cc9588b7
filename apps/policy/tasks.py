"""Background work of policy (django.tasks): scheduled switches of the province's pack."""

from django.tasks import task

from apps.policy.services import policy_switches_apply_due


@task()
def apply_due_switches() -> int:
    """Apply the scheduled switches whose time has come, each exactly once (the worker
    queues it every SHAODIAN_POLICY_SWITCH_SECONDS; the Policy page queues it when it shows
    a switch past its time). Returns how many were applied."""
    return len(policy_switches_apply_due())
