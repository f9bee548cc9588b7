from functools import partial

from django.apps import AppConfig
from django.db import transaction


def on_checkins_changed(sender, *, school_id, person_ids, **kwargs) -> None:
    """A committed abnormal check-in (or a correction of one): recompute those statuses."""
    from apps.health.tasks import recompute_after_checkins

    transaction.on_commit(
        partial(recompute_after_checkins.enqueue, school_id, sorted(set(person_ids)))
    )


class HealthConfig(AppConfig):
    name = "apps.health"
    label = "health"

    def ready(self) -> None:
        from apps.health import rules
        from apps.health.signals import checkins_changed
        from apps.policy.signals import policy_changed

        checkins_changed.connect(on_checkins_changed, dispatch_uid="health.recompute")
        policy_changed.connect(rules.forget, dispatch_uid="health.forget_rules")
