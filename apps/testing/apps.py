from django.apps import AppConfig


class TestingConfig(AppConfig):
    name = "apps.testing"
    label = "testing"
