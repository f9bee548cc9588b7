"""Signals of other apps that move when an area is due."""

from django.db import transaction


def on_modes_changed(sender, *, school_ids, **kwargs) -> None:
    from apps.disinfection.schedule import due_refresh

    if school_ids:
        transaction.on_commit(lambda: due_refresh(school_ids=list(school_ids)))
