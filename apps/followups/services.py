"""Writes: create follow-ups in bulk (idempotent by source) and complete them."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from apps.core.errors import FieldError, ValidationFailed
from apps.followups.models import FollowUp, FollowUpStatus
from apps.followups.selectors import responsible_for


@dataclass(frozen=True)
class FollowUpItem:
    person_id: int
    title_zh: str
    title_en: str
    detail: dict = field(default_factory=dict)
    assignee_id: int | None = None  # None: the person responsible for them (responsible_for)
    due_at: datetime | None = None  # None: the batch's due time


@transaction.atomic
def followup_create_many(
    *,
    school_id: int,
    kind: str,
    source: str,
    items: Sequence[FollowUpItem],
    due_at: datetime | None = None,
    drill: bool = False,
    notify: bool = True,
) -> int:
    """One follow-up per item, on its assignee or the person responsible; those that exist
    already for (school, kind, source, person) are left as they are. Each assignee gets one
    inbox message for the batch. Returns how many are new."""
    if not items:
        return 0
    responsible = responsible_for(
        school_id=school_id, person_ids=[i.person_id for i in items if i.assignee_id is None]
    )
    existing = set(FollowUp.objects.filter(
        school_id=school_id, kind=kind, source=source,
        person_id__in=[i.person_id for i in items],
    ).values_list("person_id", flat=True))
    rows = [
        FollowUp(school_id=school_id, person_id=i.person_id, kind=kind, source=source,
                 title_zh=i.title_zh[:200], title_en=i.title_en[:200], detail=i.detail,
                 assignee_id=i.assignee_id or responsible.get(i.person_id),
                 due_at=i.due_at or due_at, drill=drill)
        for i in items if i.person_id not in existing
    ]
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    if notify:
        _notify_assignees(school_id=school_id, kind=kind, source=source, rows=rows, drill=drill)
    return len(rows)


def _notify_assignees(*, school_id: int, kind: str, source: str, rows: Iterable[FollowUp],
                      drill: bool) -> None:
    from apps.notifications.services import notification_send

    per_assignee: dict[int, int] = defaultdict(int)
    for row in rows:
        if row.assignee_id:
            per_assignee[row.assignee_id] += 1
    for user_id, count in per_assignee.items():
        notification_send(
            recipient_ids=[user_id], kind=f"followup.{kind}", school_id=school_id, drill=drill,
            subject=format_lazy(
                ngettext_lazy("{count} new follow-up", "{count} new follow-ups", count),
                count=count,
            ),
            link="/followups/", dedupe_key=f"followup:{kind}:{source}",
        )


@transaction.atomic
def followup_complete(*, actor, followup_id: int, outcome: str) -> FollowUp:
    """Mark a follow-up done with what was found or done; the actor must see it and hold
    followups.complete for it."""
    followup = (FollowUp.objects.restrict(actor, "followups.complete")
                .select_for_update().get(pk=followup_id))
    if followup.status != FollowUpStatus.OPEN:
        raise ValidationFailed([FieldError("status", "not_open", _("This follow-up is closed."))])
    if not outcome.strip():
        raise ValidationFailed([FieldError("outcome", "required",
                                           _("Say what was found or done."))])
    followup.status = FollowUpStatus.DONE
    followup.outcome = outcome.strip()
    followup.done_at = timezone.now()
    followup.done_by = actor
    followup.save(update_fields=["status", "outcome", "done_at", "done_by"])
    return followup
