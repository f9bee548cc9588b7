from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "apps.policy"
    label = "policy"

    def ready(self):
        from apps.policy import checks  # noqa: F401 (registers the system check)
