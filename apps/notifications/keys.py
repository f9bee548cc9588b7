"""Dedupe keys claimed set-based, for the fan-outs that write notifications with one
INSERT … SELECT (apps.emergency.triggers): notifications are partitioned by month on
PostgreSQL and hold no unique key of their own, so a statement first claims each row's key in
NotificationKey (ON CONFLICT DO NOTHING: a key claimed before, by a retried task or another
run, stays theirs) and the notifications are then written only for the keys its token won,
joined as `k` on (recipient_id, dedupe_key, token). Both statements supply their ids
(core.db.insert_select), and the notification's created_at is the key's."""

import uuid
from datetime import datetime

from apps.core.db import insert_select
from apps.notifications.models import NotificationKey

KEYS = NotificationKey._meta.db_table


def keys_claim(cursor, select: str, params: list, *, now: datetime) -> str:
    """Claim the (recipient_id, dedupe_key) pairs that `select` yields (recipient_id NULL:
    an outside-only message); returns the claim's token."""
    token = uuid.uuid4().hex
    insert_select(cursor, NotificationKey, f"""
        INSERT INTO {KEYS} (recipient_id, dedupe_key, created_at, token)
        SELECT c.recipient_id, c.dedupe_key, %s, %s FROM ({select}) c
         GROUP BY c.recipient_id, c.dedupe_key ON CONFLICT DO NOTHING""",  # noqa: S608
        [now, token, *params])
    return token
