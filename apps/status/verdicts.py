"""Storing the verdicts of closed test regimens, inside the recompute batch's transaction.

The engine decides (apps.policy.engine.regimen): a regimen the stored status asked for whose
window has closed is complete or incomplete, and a stored mark is cleared by a test taken
after the close. Here, for a whole batch at once:

- each new incomplete verdict becomes a RegimenMark (INSERT … ON CONFLICT DO NOTHING on
  (school, person, regimen, window start)) and, unless a late test already cleared it, a
  follow-up for the person responsible (the class teacher; apps.followups, idempotent by
  (school, kind, source, person)), due within the pack's `regimen_followup_hours`;
- each mark a late test clears is stamped (one bulk UPDATE) and its follow-up closed.

The status rows of the same batch are written in the same transaction, so a verdict, its
mark and its follow-up exist together or not at all, and a rerun (the expiry sweep twice, two
workers) writes nothing twice.
"""

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.policy.engine import facts as engine
from apps.policy.engine.regimen import REGIMEN_NAMES
from apps.policy.engine.text import en_date, zh_date
from apps.status.models import ClearedBy, RegimenMark, mark_source

DEFAULT_FOLLOWUP_HOURS = 24


def verdicts_store(statuses: Mapping, policies: Mapping[int, engine.Policy], *,
                   now: datetime) -> None:
    """Store the batch's verdicts: `statuses` is {person_id: (facts, status)}."""
    new, cleared = [], []
    for f, status in statuses.values():
        for verdict in status.verdicts:
            if verdict.outcome != "incomplete":
                continue  # a complete regimen leaves nothing behind
            if verdict.mark_id is None:
                new.append((f.school_id, f.person_id, verdict))
            elif verdict.cleared_at is not None:
                cleared.append((f.school_id, f.person_id, verdict))
    if new:
        RegimenMark.objects.bulk_create([_mark(*row, now) for row in new],
                                        ignore_conflicts=True)
        _followups_open([row for row in new if row[2].cleared_at is None], policies, now)
    if cleared:
        marks = [RegimenMark(pk=v.mark_id, cleared_at=now, cleared_by=ClearedBy.TEST,
                             test_taken_at=v.cleared_at) for _s, _p, v in cleared]
        RegimenMark.objects.bulk_update(marks, ["cleared_at", "cleared_by", "test_taken_at"])
    late = [(school_id, person_id, mark_source(v.regimen.name, v.regimen.start),
             _("Cleared by a test taken on %(day)s.") % {
                 "day": timezone.localtime(v.cleared_at).date().isoformat()})
            for school_id, person_id, v in (*new, *cleared) if v.cleared_at is not None]
    if late:
        followups_close(late, now=now)


def _mark(school_id: int, person_id: int, v: engine.Verdict, now: datetime) -> RegimenMark:
    r = v.regimen
    return RegimenMark(
        school_id=school_id, person_id=person_id, regimen=r.name, window_start=r.start,
        window_end=r.last_day, tests=r.tests, done=v.done, due_offsets=list(r.due_offsets),
        min_gap_hours=r.min_gap_hours, created_at=now,
        cleared_at=now if v.cleared_at else None,
        cleared_by=ClearedBy.TEST if v.cleared_at else "", test_taken_at=v.cleared_at)


def _followups_open(rows, policies: Mapping[int, engine.Policy], now: datetime) -> None:
    """One follow-up per new mark on the person responsible, one call per source (regimen
    and window start: a handful per batch), each idempotent."""
    from apps.followups.models import FollowUpKind
    from apps.followups.services import FollowUpItem, followup_create_for_schools

    by_source: dict[str, dict[int, list[FollowUpItem]]] = defaultdict(lambda: defaultdict(list))
    for school_id, person_id, v in rows:
        r = v.regimen
        name_zh, name_en = REGIMEN_NAMES.get(r.name, (r.name, r.name))
        hours = policies[school_id].params.get("regimen_followup_hours", DEFAULT_FOLLOWUP_HOURS)
        by_source[mark_source(r.name, r.start)][school_id].append(FollowUpItem(
            person_id=person_id,
            title_zh=f"检测未完成：{name_zh}（{zh_date(r.start)}至{zh_date(r.last_day)}），"
                     f"已检{v.done}/{r.tests}次",
            title_en=f"Test regimen not completed: {name_en} ({en_date(r.start)} to "
                     f"{en_date(r.last_day)}), {v.done} of {r.tests} tests",
            detail={"window_start": r.start.isoformat(),
                    "window_end": r.last_day.isoformat(), "tests": r.tests, "done": v.done},
            due_at=now + timedelta(hours=hours)))
    for source, items in sorted(by_source.items()):
        followup_create_for_schools(kind=FollowUpKind.REGIMEN, source=source,
                                    items_by_school=dict(items))


def followups_close(rows, *, now: datetime, actor=None) -> int:
    """Close the open follow-ups of these (school_id, person_id, source, outcome) rows: one
    UPDATE per distinct outcome."""
    from apps.followups.models import FollowUp, FollowUpKind, FollowUpStatus

    by_outcome = defaultdict(list)
    for school_id, person_id, source, outcome in rows:
        by_outcome[outcome].append(Q(school_id=school_id, person_id=person_id, source=source))
    closed = 0
    for text, conditions in by_outcome.items():
        closed += FollowUp.objects.filter(
            reduce(or_, conditions), kind=FollowUpKind.REGIMEN, status=FollowUpStatus.OPEN,
        ).update(status=FollowUpStatus.DONE, outcome=text, done_at=now, done_by=actor)
    return closed
