"""Reads of the gate: checks of a day, stops by reason, overrides, and the terminals'
offline snapshot. Every read goes through `GateCheck.objects.restrict(user, perm)`."""

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from django.db.models import Count, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from apps.emergency.models import ModeScope
from apps.emergency.selectors import online_scopes, school_mode
from apps.gate import verdict as rules
from apps.gate.facts import fever_threshold
from apps.gate.models import Gate, GateCheck, VerdictChoice
from apps.gate.services import overridable_days, schools_for
from apps.health.models import CheckIn
from apps.people.codes import personal_code_issue
from apps.people.models import Person

SNAPSHOT_PAGE = 5000
CODE_HASH_HEX = 32  # 128 bits of SHA-256: enough to compare, useless to forge a code


def day_range(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def checks_of_day(*, user, day: date, school_id: int | None = None,
                  verdict: str | None = None) -> QuerySet[GateCheck]:
    start, end = day_range(day)
    # The day prunes the partitions (apps.core.partitions); the times use the index.
    rows = GateCheck.objects.restrict(user, "gate.view").filter(day=day, at__gte=start,
                                                                at__lt=end)
    if school_id is not None:
        rows = rows.filter(school_id=school_id)
    if verdict:
        rows = rows.filter(verdict=verdict)
    return rows.select_related("person__klass", "gate", "school", "overridden_by")


def stops_by_reason(*, user, day_from: date, day_to: date,
                    school_id: int | None = None) -> list[dict]:
    """[{reason, zh, en, stop, refer}] for the checks that did not pass, most first: one
    GROUP BY over the school-led (school, at) index."""
    start, _end = day_range(day_from)
    _start, end = day_range(day_to)
    rows = GateCheck.objects.restrict(user, "gate.view").filter(
        day__range=(day_from, day_to), at__gte=start, at__lt=end).exclude(
        verdict=VerdictChoice.PASS)
    if school_id is not None:
        rows = rows.filter(school_id=school_id)
    counts: dict[str, dict] = {}
    for reason, verdict, n in (rows.order_by().values_list("reason", "verdict")
                               .annotate(n=Count("pk")).values_list("reason", "verdict", "n")):
        texts = rules.REASONS.get(reason, ("", reason, reason))
        entry = counts.setdefault(reason, {"reason": reason, "zh": texts[1], "en": texts[2],
                                           "stop": 0, "refer": 0})
        entry[verdict] = entry.get(verdict, 0) + n
    return sorted(counts.values(), key=lambda e: -(e["stop"] + e["refer"]))


def overrides(*, user, day_from: date, day_to: date,
              school_id: int | None = None) -> QuerySet[GateCheck]:
    start, _end = day_range(day_from)
    _start, end = day_range(day_to)
    # A check is overridden within OVERRIDE_DAYS of its day: those days bound the partitions.
    first, _last = overridable_days(day_from)
    _first, last = overridable_days(day_to)
    rows = GateCheck.objects.restrict(user, "gate.view").filter(
        day__range=(first, last), overridden_at__gte=start, overridden_at__lt=end)
    if school_id is not None:
        rows = rows.filter(school_id=school_id)
    return rows.select_related("person__klass", "gate", "school", "overridden_by",
                               "officer").order_by("-overridden_at")


def check_for_override(*, user, check_id: int) -> GateCheck:
    found = (GateCheck.objects.restrict(user, "gate.override")
             .filter(pk=check_id, day__range=overridable_days())
             .select_related("person__klass", "gate").first())
    if found is None:
        raise Http404("check")
    return found


def gates_of(*, school_id: int) -> list[Gate]:
    return list(Gate.objects.filter(school_id=school_id, active=True))


# ---- the snapshot for offline terminals ------------------------------------------------

@dataclass(frozen=True)
class Snapshot:
    school_id: int
    generated_at: datetime
    code_day: date
    mode: str
    fever_threshold: float
    items: list[dict]
    next_after: int | None  # pass as `after` for the next page; None: this was the last


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()[:CODE_HASH_HEX]


def snapshot(*, user, school_id: int, after: int = 0, limit: int = SNAPSHOT_PAGE) -> Snapshot:
    """A page of the school's people as an offline terminal needs them: id, number, the hash
    of today's code, class, boarder flag, category and the verdicts in and out before the
    temperature is taken (the terminal adds the fever rule, with `fever_threshold`). No
    names, no documents. Keyset-paged by person id."""
    if school_id not in schools_for(user, "gate.verdict"):
        raise Http404("school")
    now = timezone.now()
    today = timezone.localdate(now)
    mode = school_mode(school_id=school_id)
    online = online_scopes(school_id=school_id)
    threshold, _outdated = fever_threshold(school_id)
    limit = max(1, min(limit, SNAPSHOT_PAGE))
    rows = list(
        Person.objects.filter(school_id=school_id, active=True, pk__gt=after).annotate(
            st=FilteredRelation("statuses", condition=Q(statuses__school_id=F("school_id"))),
            klass_name=F("klass__name"),
            checkin=Subquery(CheckIn.objects.filter(
                school_id=OuterRef("school_id"), person_id=OuterRef("pk"), day=today)
                .order_by("-submitted_at").values("abnormal")[:1]),
        ).order_by("pk").values_list(
            "pk", "number", "kind", "residence", "klass_id", "unit_id", "klass_name",
            "st__category", "st__until", "st__next_due", "st__compliant", "checkin",
        )[:limit]
    )
    from apps.emergency.residents import residents_in_force

    on_campus = residents_in_force(school_ids=[school_id], person_ids=[r[0] for r in rows],
                                   day=today) if rows else set()
    items = [_snapshot_item(r, school_id, today, now, mode, online, threshold, on_campus)
             for r in rows]
    next_after = rows[-1][0] if len(rows) == limit else None
    return Snapshot(school_id, now, today, mode, threshold, items, next_after)


def _snapshot_item(row, school_id, today, now, mode, online, threshold, on_campus) -> dict:
    (pk, number, kind, residence, klass_id, unit_id, klass_name, category, until, next_due,
     compliant, checkin) = row
    current = (until is None or until >= today) and (next_due is None or next_due > now)
    facts = rules.GateFacts(
        direction="in", category=category or "normal",
        status_current=category is None or current,
        compliant=True if compliant is None else compliant,
        temperature=threshold - 1.0, fever_threshold=threshold, checkin_abnormal=checkin,
        mode=mode, online_teaching=klass_id in online[ModeScope.KLASS]
        or unit_id in online[ModeScope.UNIT],
        boarder=residence == "boarder" or pk in on_campus, kind=kind)
    entering, leaving = rules.decide(facts), rules.decide(replace(facts, direction="out"))
    code = personal_code_issue(person=SimpleNamespace(pk=pk, school_id=school_id), day=today)
    return {
        "id": pk, "number": number, "code_hash": code_hash(code), "kind": kind,
        "boarder": facts.boarder, "klass": klass_name or "",
        "category": category or "normal",
        "in": [entering.verdict, entering.codes], "out": [leaving.verdict, leaving.codes],
    }



def school_gates(*, user, school_id: int) -> list[Gate]:
    """Every gate of the school the user sets up, open ones first (closed ones stay listed:
    their checks point at them)."""
    return list(Gate.objects.restrict(user, "access.manage_roles").filter(school_id=school_id)
                .order_by("-active", "name"))
