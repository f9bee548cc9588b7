from django.apps import AppConfig


class GateConfig(AppConfig):
    name = "apps.gate"
    label = "gate"

    def ready(self):
        from apps.policy.signals import policy_changed

        policy_changed.connect(_forget_thresholds, dispatch_uid="gate_forget_thresholds")


def _forget_thresholds(sender, **kwargs):
    # The fever threshold is cached per process for a minute; a policy change made in this
    # process takes effect at once here (other processes within the minute).
    from apps.gate.facts import forget_thresholds

    forget_thresholds()
