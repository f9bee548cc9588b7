"""Signal receivers: a committed change of risk areas or declarations enqueues a recompute.

Both signals are sent on commit already; enqueueing through transaction.on_commit as well
keeps the rule (never enqueue inside a transaction that may still roll back) true even if
one is ever sent inside another transaction."""

from functools import partial

from django.db import transaction


def on_risk_areas_changed(sender, *, area_ids, **kwargs) -> None:
    from apps.status.tasks import recompute_for_risk_change

    transaction.on_commit(partial(recompute_for_risk_change.enqueue, list(area_ids)))


def on_policy_changed(sender, *, school_ids, node=None, **kwargs) -> None:
    from apps.policy.models import PolicySwitch, ProvincePolicy
    from apps.status.tasks import recompute_for_pack_choice, recompute_for_schools

    if sender is PolicySwitch:
        return  # a scheduled switch recomputed its statuses in its own transaction
    if sender is ProvincePolicy and isinstance(node, str):
        # A pack chosen now: the same persons a scheduled switch recomputes, found set-based,
        # not every person of every school.
        transaction.on_commit(partial(recompute_for_pack_choice.enqueue, node))
        return
    if school_ids:
        transaction.on_commit(partial(recompute_for_schools.enqueue, list(school_ids)))


def on_modes_changed(sender, *, school_ids, **kwargs) -> None:
    from apps.status.services import CAUSE_MODE
    from apps.status.tasks import recompute_for_schools

    if school_ids:
        transaction.on_commit(partial(recompute_for_schools.enqueue, list(school_ids), CAUSE_MODE))


def on_declarations_changed(sender, *, school_id, person_ids, **kwargs) -> None:
    from apps.status.tasks import recompute_for_declarations

    transaction.on_commit(
        partial(recompute_for_declarations.enqueue, school_id, sorted(set(person_ids)))
    )


def on_policy_switched(sender, *, province_code, now, **kwargs) -> int:
    """A scheduled switch of the province's pack is being applied: its statuses are
    recomputed in the same transaction (apps.policy.services.policy_switches_apply_due)."""
    from apps.status.services import status_recompute_for_policy_switch

    return status_recompute_for_policy_switch(province_code=province_code, now=now)
