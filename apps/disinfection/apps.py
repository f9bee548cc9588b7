from django.apps import AppConfig


class DisinfectionConfig(AppConfig):
    name = "apps.disinfection"
    label = "disinfection"

    def ready(self) -> None:
        # A mode switched changes the intervals: the school's areas are due again by them.
        from apps.disinfection import receivers
        from apps.emergency.signals import modes_changed

        modes_changed.connect(receivers.on_modes_changed,
                              dispatch_uid="disinfection.modes_changed")
