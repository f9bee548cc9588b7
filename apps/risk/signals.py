"""`risk_areas_changed(area_ids)`: sent after a designation, change or lift is committed, so
that statuses are recomputed (apps.status connects to it). Sent on commit only: a rolled-back
change must not start a recomputation, and the receiver must see the committed rows."""

from django.db import transaction
from django.dispatch import Signal

# Receivers get `area_ids`: a list of RiskArea ids designated, changed or lifted.
risk_areas_changed = Signal()


def send_risk_areas_changed(area_ids) -> None:
    from apps.risk.models import RiskArea

    ids = sorted(set(area_ids))
    if ids:
        transaction.on_commit(
            lambda: risk_areas_changed.send(sender=RiskArea, area_ids=ids)
        )
