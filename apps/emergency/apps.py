from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "apps.emergency"
    label = "emergency"
