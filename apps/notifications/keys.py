"""Dedupe keys claimed in NotificationKey: notifications are partitioned by month on
PostgreSQL and hold no unique key of their own, so "once per recipient and key" is a key
inserted ON CONFLICT DO NOTHING (a key claimed before, by a retried task or another run,
stays theirs), and the notification written only where this claim's token won, in the same
transaction. Row by row for notification_send (keys_claim_rows); set-based for the fan-outs
that write with one INSERT … SELECT (apps.emergency.triggers: keys_claim, then the
notifications joined to the keys as `k` on recipient_id, dedupe_key and token). Both
statements supply their ids (core.db.insert_select); a notification's created_at is its
key's, so a key names the month its notification lives in."""

import uuid
from datetime import datetime

from apps.core.db import insert_select
from apps.notifications.models import NotificationKey

KEYS = NotificationKey._meta.db_table


def keys_taken(dedupe_key: str, recipient_ids) -> set[int]:
    """The recipients who have the key already (in any month)."""
    return set(NotificationKey.objects.filter(dedupe_key=dedupe_key,
                                              recipient_id__in=list(recipient_ids))
               .values_list("recipient_id", flat=True))


def keys_claim_rows(dedupe_key: str, recipient_ids: list, stamp: datetime) -> set:
    """The recipients (None: the outside-only message) whose key this call claimed, for
    notifications made at `stamp`: a concurrent send of the same key may win some, which
    are then skipped."""
    token = uuid.uuid4().hex
    NotificationKey.objects.bulk_create(
        [NotificationKey(recipient_id=uid, dedupe_key=dedupe_key, created_at=stamp,
                         token=token) for uid in recipient_ids],
        ignore_conflicts=True, batch_size=2000)
    return set(NotificationKey.objects.filter(dedupe_key=dedupe_key, token=token)
               .values_list("recipient_id", flat=True))


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
