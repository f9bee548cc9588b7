from django.apps import AppConfig


class StatusConfig(AppConfig):
    name = "apps.status"
    label = "status"

    def ready(self) -> None:
        # Committed changes of risk areas, declarations, policy and modes recompute the statuses
        # they touch.
        from apps.emergency.signals import modes_changed
        from apps.policy.signals import policy_changed, policy_switched
        from apps.risk.signals import risk_areas_changed
        from apps.status import receivers
        from apps.travel.signals import declarations_changed

        risk_areas_changed.connect(receivers.on_risk_areas_changed,
                                   dispatch_uid="status.risk_areas_changed")
        declarations_changed.connect(receivers.on_declarations_changed,
                                     dispatch_uid="status.declarations_changed")
        policy_changed.connect(receivers.on_policy_changed, dispatch_uid="status.policy_changed")
        policy_switched.connect(receivers.on_policy_switched,
                                dispatch_uid="status.policy_switched")
        modes_changed.connect(receivers.on_modes_changed, dispatch_uid="status.modes_changed")
