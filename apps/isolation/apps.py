from django.apps import AppConfig


class IsolationConfig(AppConfig):
    name = "apps.isolation"
    label = "isolation"

    def ready(self) -> None:
        # The status engine's isolated_until (PersonFacts.isolated_until) is the end of each
        # person's latest isolation record: status.facts asks us for it.
        from apps.isolation.selectors import isolated_until
        from apps.status.facts import set_isolation_source

        set_isolation_source(isolated_until)
