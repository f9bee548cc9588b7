from django.apps import AppConfig


class SchoolyearConfig(AppConfig):
    name = "apps.schoolyear"
    label = "schoolyear"
