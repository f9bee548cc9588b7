"""Writes: create follow-ups in bulk (idempotent by source), complete and reassign them."""

import hashlib
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
from apps.followups.models import FollowUp, FollowUpKind, FollowUpStatus
from apps.followups.selectors import assignee_candidates, responsible_for

OUTCOME_MAX = 2000


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
    inbox message for the batch (none when nothing is new). Returns how many are new."""
    if not items:
        return 0
    if kind not in FollowUpKind.values:
        raise ValidationFailed([FieldError("kind", "invalid",
                                           _("Unknown kind of follow-up: %(k)s") % {"k": kind})])
    responsible = responsible_for(
        school_id=school_id, person_ids=[i.person_id for i in items if i.assignee_id is None]
    )
    existing = set(FollowUp.objects.filter(
        school_id=school_id, kind=kind, source=source,
        person_id__in=[i.person_id for i in items],
    ).values_list("person_id", flat=True))
    new: dict[int, FollowUp] = {}
    for i in items:
        if i.person_id in existing or i.person_id in new:
            continue
        new[i.person_id] = FollowUp(
            school_id=school_id, person_id=i.person_id, kind=kind, source=source[:60],
            title_zh=i.title_zh[:200], title_en=i.title_en[:200], detail=i.detail,
            assignee_id=i.assignee_id or responsible.get(i.person_id),
            due_at=i.due_at or due_at, drill=drill)
    rows = list(new.values())
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    if notify:
        _notify_assignees(school_id=school_id, kind=kind, source=source, rows=rows, drill=drill)
    return len(rows)


def _batch_key(kind: str, source: str, rows: Iterable[FollowUp]) -> str:
    """One key per batch of new follow-ups: a retried batch is the same message; a later
    batch from the same source (a trace-back extended) is a new one."""
    persons = ",".join(str(r.person_id) for r in sorted(rows, key=lambda r: r.person_id))
    digest = hashlib.sha256(persons.encode()).hexdigest()[:16]
    return f"followup:{kind}:{source}:{digest}"[:120]


def _notify_assignees(*, school_id: int, kind: str, source: str, rows: list[FollowUp],
                      drill: bool) -> None:
    from apps.notifications.services import notification_send

    per_assignee: dict[int, int] = defaultdict(int)
    for row in rows:
        if row.assignee_id:
            per_assignee[row.assignee_id] += 1
    # One send per distinct count (the subject says how many), not one per assignee.
    by_count: dict[int, list[int]] = defaultdict(list)
    for user_id, count in per_assignee.items():
        by_count[count].append(user_id)
    key = _batch_key(kind, source, rows)
    label = FollowUpKind(kind).label
    for count, user_ids in by_count.items():
        notification_send(
            recipient_ids=user_ids, kind=f"followup.{kind}", school_id=school_id, drill=drill,
            subject=format_lazy(
                ngettext_lazy("{count} new follow-up: {kind}", "{count} new follow-ups: {kind}",
                              count),
                count=count, kind=label,
            ),
            severity="warning" if kind == FollowUpKind.TRACE_BACK else "info",
            link="/followups/", dedupe_key=key,
        )


@transaction.atomic
def followup_complete(*, actor, followup_id: int, outcome: str) -> FollowUp:
    """Mark a follow-up done with what was found or done; the actor must see it and hold
    followups.complete for it. The same completion sent twice (a double tap) is one."""
    followup = (FollowUp.objects.restrict(actor, "followups.complete")
                .select_for_update(of=("self",)).get(pk=followup_id))
    outcome = (outcome or "").strip()
    if (followup.status == FollowUpStatus.DONE and followup.done_by_id == actor.pk
            and followup.outcome == outcome):
        return followup
    if followup.status != FollowUpStatus.OPEN:
        raise ValidationFailed([FieldError("status", "not_open", _("This follow-up is closed."))])
    if not outcome:
        raise ValidationFailed([FieldError("outcome", "required",
                                           _("Say what was found or done."))])
    if len(outcome) > OUTCOME_MAX:
        raise ValidationFailed([FieldError("outcome", "too_long", _(
            "At most %(n)d characters.") % {"n": OUTCOME_MAX})])
    followup.status = FollowUpStatus.DONE
    followup.outcome = outcome
    followup.done_at = timezone.now()
    followup.done_by = actor
    followup.save(update_fields=["status", "outcome", "done_at", "done_by"])
    return followup


@transaction.atomic
def followup_reassign(*, actor, followup_id: int, assignee_id: int) -> FollowUp:
    """Give an open follow-up to another responsible person of the school (the actor holds
    followups.assign on it: the school's epidemic office); the new assignee is told."""
    from apps.notifications.services import notification_send

    followup = (FollowUp.objects.restrict(actor, "followups.assign")
                .select_for_update(of=("self",)).select_related("person", "person__klass")
                .get(pk=followup_id))
    if followup.status != FollowUpStatus.OPEN:
        raise ValidationFailed([FieldError("status", "not_open", _("This follow-up is closed."))])
    if not assignee_candidates(followup=followup).filter(pk=assignee_id).exists():
        raise ValidationFailed([FieldError("assignee", "not_responsible", _(
            "This user is not responsible for this person."))])
    if followup.assignee_id == assignee_id:
        return followup
    followup.assignee_id = assignee_id
    followup.assigned_at = timezone.now()
    followup.assigned_by = actor
    followup.save(update_fields=["assignee", "assigned_at", "assigned_by"])
    notification_send(
        recipient_ids=[assignee_id], kind=f"followup.{followup.kind}",
        school_id=followup.school_id, drill=followup.drill,
        subject=format_lazy(_("A follow-up was passed to you: {title}"),
                            title=_title(followup)),
        link=f"/followups/{followup.pk}/",
        dedupe_key=f"followup-assign:{followup.pk}:{assignee_id}:"
                   f"{int(followup.assigned_at.timestamp())}")
    return followup


class _Title:
    """A follow-up's stored title, rendered in whichever language is active."""

    def __init__(self, followup: FollowUp):
        self.zh, self.en = followup.title_zh, followup.title_en

    def __str__(self) -> str:
        from django.utils import translation

        return self.en if (translation.get_language() or "").startswith("en") else self.zh


def _title(followup: FollowUp) -> _Title:
    return _Title(followup)
