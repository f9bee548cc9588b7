from django.apps import AppConfig


class VisitorsConfig(AppConfig):
    name = "apps.visitors"
    label = "visitors"

    def ready(self) -> None:
        from apps.core import rotation

        for label in ("visitors.Visit", "visitors.HistoricalVisit"):
            rotation.register(label, "doc_cipher", hash_field="doc_hash")
