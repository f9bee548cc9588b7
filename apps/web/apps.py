from django.apps import AppConfig


def on_late_items_resolved(sender, *, school_id, **kwargs) -> None:
    """A school ended something late: count its late items again, in the same transaction."""
    from apps.web.lateness import school_lateness_refresh

    school_lateness_refresh(school_id=school_id)


class WebConfig(AppConfig):
    name = "apps.web"
    label = "web"

    def ready(self) -> None:
        from apps.core.signals import late_items_resolved

        late_items_resolved.connect(on_late_items_resolved, dispatch_uid="web.late_items_resolved")
