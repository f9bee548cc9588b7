"""Sent on commit after a mode switch: statuses (boarders in closed loop) and gates follow."""

from django.dispatch import Signal

# kwargs: school_ids (list[int])
modes_changed = Signal()
