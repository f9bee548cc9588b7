from django.apps import AppConfig


class ParcelsConfig(AppConfig):
    name = "apps.parcels"
    label = "parcels"
