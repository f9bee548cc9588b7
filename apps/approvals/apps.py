from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "apps.approvals"
    label = "approvals"

    def ready(self) -> None:
        # The status engine's planned trips (PersonFacts.planned_trips) are the pending and
        # approved cross-province trip requests: status.facts asks us for them.
        from apps.approvals.selectors import planned_trips
        from apps.status.facts import set_planned_trips_source

        set_planned_trips_source(planned_trips)
