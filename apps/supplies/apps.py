from django.apps import AppConfig


class SuppliesConfig(AppConfig):
    name = "apps.supplies"
    label = "supplies"
