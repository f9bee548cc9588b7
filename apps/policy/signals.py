"""`policy_changed(school_ids)`: sent after the province's pack choice or an override is
committed, with the schools whose effective policy it changes, so that their people's
statuses are recomputed (apps.status connects to it)."""

from django.db import transaction
from django.dispatch import Signal

from apps.orgs.models import Bureau, School

# Receivers get `school_ids` (a sorted list of School ids).
policy_changed = Signal()


def schools_under(node) -> list[int]:
    """The schools whose effective policy a pack choice (a province code), a bureau's or a
    school's override changes."""
    if isinstance(node, School):
        return [node.pk]
    if isinstance(node, Bureau):
        codes = {f"{node.level}_code": getattr(node, f"{node.level}_code")}
    else:
        codes = {"province_code": node}
    return sorted(School.objects.filter(**codes).values_list("pk", flat=True))


def send_policy_changed(*, sender, node) -> None:
    transaction.on_commit(
        lambda: policy_changed.send(sender=sender, school_ids=schools_under(node), node=node)
    )


# Sent inside the transaction that applies a scheduled switch (apps.policy.services), with
# `province_code` and `now`: a receiver recomputes the province's statuses in that same
# transaction and returns how many persons it evaluated (apps.status connects to it).
policy_switched = Signal()
