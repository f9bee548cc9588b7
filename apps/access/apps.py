from django.apps import AppConfig, apps


class AccessConfig(AppConfig):
    name = "apps.access"
    label = "access"

    def ready(self):
        from apps.access.roles import collect

        # Each app's permissions (apps/<app>/permissions.py) make the role table.
        collect(c.name for c in apps.get_app_configs() if c.name.startswith("apps."))
