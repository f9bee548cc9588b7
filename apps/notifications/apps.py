from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"

    def ready(self):
        from apps.core import rotation
        from apps.notifications.services import SECRET_CONTEXT

        rotation.register("notifications.Channel", "secret_cipher", context=SECRET_CONTEXT)
