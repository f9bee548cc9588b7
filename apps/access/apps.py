from django.apps import AppConfig, apps


class AccessConfig(AppConfig):
    name = "apps.access"
    label = "access"

    def ready(self):
        # Core's scoped querysets ask access for a user's grants; core imports no app.
        from apps.access.grants import grants_for
        from apps.core.scoping import set_grants_provider

        set_grants_provider(grants_for)

        from apps.access.roles import collect

        # Each app's permissions (apps/<app>/permissions.py) make the role table.
        collect(c.name for c in apps.get_app_configs() if c.name.startswith("apps."))

        from apps.access.freshness import connect

        # Every save of a row a grant comes from changes its user's access_version.
        connect()
