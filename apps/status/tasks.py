"""Background recomputes (django.tasks): each takes ids, loads what it needs, calls a service.

Receivers of the risk and travel signals enqueue these with transaction.on_commit
(apps/status/receivers.py), so a task never runs before the change it reacts to is visible.
"""

from django.db import transaction
from django.tasks import task

from apps.status.services import (
    CAUSE_DECLARATION,
    CAUSE_POLICY,
    status_recompute_expiring,
    status_recompute_for_policy_switch,
    status_recompute_for_risk_change,
    status_recompute_persons,
    status_recompute_schools,
)


@task()
def recompute_for_declarations(school_id: int, person_ids: list[int]) -> int:
    """After travel or exposure declarations of these persons of one school."""
    return status_recompute_persons(
        school_id=school_id, person_ids=person_ids, reason=CAUSE_DECLARATION
    )


@task()
def recompute_for_schools(school_ids: list[int], cause: str = CAUSE_POLICY) -> int:
    """After an override changed these schools' policy, or
    their mode was switched."""
    return status_recompute_schools(school_ids=school_ids, cause=cause)


@task()
def recompute_for_pack_choice(province_code: str) -> int:
    """After the province admin chose a pack to take effect at once: everyone the change
    may concern, as a scheduled switch does (in one transaction, as it does)."""
    with transaction.atomic():
        return status_recompute_for_policy_switch(province_code=province_code)


@task()
def recompute_for_risk_change(area_ids: list[int]) -> int:
    """After risk areas were designated, changed or lifted: everyone they may concern."""
    return status_recompute_for_risk_change(area_ids=area_ids)


@task()
def recompute_expiring() -> int:
    """Daily (or more often): statuses whose end date passed or whose next action fell due.
    The worker queues it every SHAODIAN_STATUS_SWEEP_SECONDS (settings.PERIODIC_TASKS);
    `manage.py recompute_statuses --expiring` runs it by hand."""
    return status_recompute_expiring()
