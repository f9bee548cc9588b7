"""`declarations_changed(school_id, person_ids)`: sent after a trip or exposure is declared or
withdrawn and the transaction is committed, so that those people's statuses are recomputed
(apps.status connects to it). A replayed submission (same client id) changes nothing and
sends nothing."""

from django.db import transaction
from django.dispatch import Signal

# Receivers get `school_id` (int) and `person_ids` (a sorted list of Person ids of that school).
declarations_changed = Signal()


def send_declarations_changed(*, sender, school_id: int, person_ids) -> None:
    ids = sorted(set(person_ids))
    if ids:
        transaction.on_commit(
            lambda: declarations_changed.send(sender=sender, school_id=school_id, person_ids=ids)
        )
