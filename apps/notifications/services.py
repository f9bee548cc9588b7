"""Writes: send a notification to users (inbox rows, and deliveries on their channels)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import translation

from apps.notifications.models import Notification, Severity


def _both_languages(text) -> tuple[str, str]:
    """A lazy translatable string (or a callable returning one) rendered in Chinese and
    English, so the inbox shows each recipient their own language."""
    rendered = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            rendered.append(str(text() if callable(text) else text))
    return rendered[0], rendered[1]


@transaction.atomic
def notification_send(
    *,
    recipient_ids: Iterable[int],
    kind: str,
    subject,
    body="",
    link: str = "",
    school_id: int | None = None,
    severity: str = Severity.INFO,
    dedupe_key: str = "",
    drill: bool = False,
) -> int:
    """Put the message in each recipient's inbox (once per dedupe_key) and queue its outside
    deliveries; returns how many inbox rows are new. `subject` and `body` are lazy
    translatable strings (gettext_lazy / format_lazy) or callables returning one."""
    subject_zh, subject_en = _both_languages(subject)
    body_zh, body_en = _both_languages(body) if body else ("", "")
    rows = [
        Notification(recipient_id=user_id, school_id=school_id, kind=kind, severity=severity,
                     subject_zh=subject_zh[:200], subject_en=subject_en[:200], body_zh=body_zh,
                     body_en=body_en, link=link, dedupe_key=dedupe_key, drill=drill)
        for user_id in sorted(set(recipient_ids))
    ]
    if not rows:
        return 0
    before = _existing(rows, dedupe_key)
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key))
    return len(rows) - before


def _existing(rows: list[Notification], dedupe_key: str) -> int:
    if not dedupe_key:
        return 0
    return Notification.objects.filter(
        dedupe_key=dedupe_key, recipient_id__in=[r.recipient_id for r in rows]
    ).count()
