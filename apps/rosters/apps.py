from django.apps import AppConfig


class RostersConfig(AppConfig):
    name = "apps.rosters"
    label = "rosters"

    def ready(self):
        from apps.core import rotation

        rotation.register("rosters.RosterExport", "query_cipher")
