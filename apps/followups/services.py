"""Writes: create follow-ups in bulk (idempotent by source), complete and reassign them."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from apps.core.errors import FieldError, ValidationFailed
from apps.core.signals import send_late_items_resolved
from apps.followups.models import FollowUp, FollowUpKind, FollowUpStatus
from apps.followups.selectors import assignee_candidates, responsible_for_many

OUTCOME_MAX = 2000


@dataclass(frozen=True)
class FollowUpItem:
    person_id: int
    title_zh: str
    title_en: str
    detail: dict = field(default_factory=dict)
    assignee_id: int | None = None  # None: the person responsible for them (responsible_for)
    due_at: datetime | None = None  # None: the batch's due time


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
    return followup_create_for_schools(kind=kind, source=source,
                                       items_by_school={school_id: items}, due_at=due_at,
                                       drill=drill, notify=notify)


@transaction.atomic
def followup_create_for_schools(
    *,
    kind: str,
    source: str,
    items_by_school: Mapping[int, Sequence[FollowUpItem]],
    due_at: datetime | None = None,
    drill: bool = False,
    notify: bool = True,
) -> int:
    """followup_create_many for many schools in one go (a trigger's trace-back across a
    province): a fixed number of queries whatever the number of schools and persons, and
    one inbox message per assignee for the whole batch."""
    if kind not in FollowUpKind.values:
        raise ValidationFailed([FieldError("kind", "invalid",
                                           _("Unknown kind of follow-up: %(k)s") % {"k": kind})])
    pairs = [(school_id, i) for school_id, items in items_by_school.items() for i in items]
    if not pairs:
        return 0
    responsible = responsible_for_many(
        school_ids=items_by_school, person_ids=[i.person_id for _s, i in pairs
                                                if i.assignee_id is None])
    existing = _existing(kind, source, pairs)
    new: dict[tuple[int, int], FollowUp] = {}
    for school_id, i in pairs:
        key = (school_id, i.person_id)
        if key in existing or key in new:
            continue
        new[key] = FollowUp(
            school_id=school_id, person_id=i.person_id, kind=kind, source=source[:60],
            title_zh=i.title_zh[:200], title_en=i.title_en[:200], detail=i.detail,
            assignee_id=i.assignee_id or responsible.get(i.person_id),
            due_at=i.due_at or due_at, drill=drill)
    rows = list(new.values())
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    if notify:
        _notify_assignees(kind=kind, source=source, rows=rows, drill=drill)
    return len(rows)


def _existing(kind: str, source: str, pairs) -> set[tuple[int, int]]:
    school_ids = sorted({s for s, _i in pairs})
    person_ids = sorted({i.person_id for _s, i in pairs})
    found = set()
    for start in range(0, len(person_ids), 5000):
        found |= set(FollowUp.objects.filter(
            kind=kind, source=source[:60], school_id__in=school_ids,
            person_id__in=person_ids[start:start + 5000],
        ).values_list("school_id", "person_id"))
    return found


def _batch_key(kind: str, source: str, rows: Iterable[FollowUp]) -> str:
    """One key per batch of new follow-ups: a retried batch is the same message; a later
    batch from the same source (a trace-back extended) is a new one."""
    persons = ",".join(str(r.person_id) for r in sorted(rows, key=lambda r: r.person_id))
    digest = hashlib.sha256(persons.encode()).hexdigest()[:16]
    return f"followup:{kind}:{source}:{digest}"[:120]


def _notify_assignees(*, kind: str, source: str, rows: list[FollowUp], drill: bool) -> None:
    """Each assignee once: "<n> new follow-ups: <kind>", about their school (or none when
    the batch gives them follow-ups in several schools)."""
    from apps.notifications.services import Personal, notification_send_each

    counts: dict[int, int] = defaultdict(int)
    schools: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row.assignee_id:
            counts[row.assignee_id] += 1
            schools[row.assignee_id].add(row.school_id)
    label = FollowUpKind(kind).label
    # One subject per distinct count: building a lazy plural is costly, rendering it too.
    subjects = {n: format_lazy(ngettext_lazy("{count} new follow-up: {kind}",
                                             "{count} new follow-ups: {kind}", n),
                               count=n, kind=label) for n in set(counts.values())}
    messages = [
        Personal(recipient_id=user_id, subject=subjects[count], link="/followups/",
                 school_id=next(iter(schools[user_id])) if len(schools[user_id]) == 1 else None)
        for user_id, count in counts.items()
    ]
    notification_send_each(
        messages=messages, kind=f"followup.{kind}", drill=drill,
        severity="warning" if kind == FollowUpKind.TRACE_BACK else "info",
        dedupe_key=_batch_key(kind, source, rows))


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
    send_late_items_resolved(sender=FollowUp, school_id=followup.school_id)
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
