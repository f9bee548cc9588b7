from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "apps.transfers"
    label = "transfers"

    def ready(self) -> None:
        # The status engine reads a transferred person's recent rows at the schools they
        # left (trips, exposures, check-ins, tests): status.facts asks us which schools.
        from apps.status.facts import set_earlier_schools_source
        from apps.transfers.selectors import earlier_schools

        set_earlier_schools_source(earlier_schools)
