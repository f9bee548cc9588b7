"""`checkins_changed(school_id, person_ids)`: sent once a check-in that may change a status (an
abnormal one, or a correction of one) is committed; apps.health.apps connects a receiver
that enqueues the status recompute of those people. A replayed submission sends nothing."""

from django.db import transaction
from django.dispatch import Signal

# Receivers get `school_id` (int) and `person_ids` (a sorted list of Person ids of that school).
checkins_changed = Signal()


def send_checkins_changed(*, sender, school_id: int, person_ids) -> None:
    ids = sorted(set(person_ids))
    if ids:
        transaction.on_commit(
            lambda: checkins_changed.send(sender=sender, school_id=school_id, person_ids=ids)
        )
