"""`late_items_resolved(school_id)`: sent, inside the writer's transaction, when a school has
ended something that can run late (acknowledged a trigger, reported or closed a cluster,
submitted its daily report, completed a follow-up). apps.web connects the receiver that
counts that school's late items again (apps.web.lateness), so a school that acts leaves a
bureau's ranking at once. A signal, because those apps sit below apps.web, which reads them."""

from django.dispatch import Signal

# Receivers get `school_id` (int).
late_items_resolved = Signal()


def send_late_items_resolved(*, sender, school_id: int) -> None:
    late_items_resolved.send(sender=sender, school_id=school_id)
