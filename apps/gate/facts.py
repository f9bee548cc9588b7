"""What a verdict needs about one person, read in one query, and the school's fever
threshold, cached per process.

The one query joins the person, their class name, their stored status, today's latest
check-in and the modes of their school, grade and class, all through unique indexes that
lead with the school. The threshold changes only when a policy does, so it is kept for
THRESHOLD_TTL seconds per school rather than read on every scan.
"""

import threading
import time
from dataclasses import dataclass
from datetime import date

from django.db.models import CharField, Exists, F, FilteredRelation, OuterRef, Q, Subquery
from django.db.models.functions import Cast

from apps.emergency.models import Mode, ModeScope, ModeState
from apps.health.models import CheckIn
from apps.people.models import Person

THRESHOLD_TTL = 60.0  # seconds
DEFAULT_FEVER = 37.3  # when no pack can be read at all


@dataclass(frozen=True)
class PersonGateFacts:
    person_id: int
    school_id: int
    name: str
    kind: str
    boarder: bool
    active: bool
    klass_name: str
    category: str
    compliant: bool
    status_current: bool
    checkin_abnormal: bool | None  # None: no check-in today
    mode: str
    online_teaching: bool


def _mode_of(scope: str, key_field: str | None):
    rows = ModeState.objects.filter(school_id=OuterRef("school_id"), scope=scope)
    if key_field is None:
        return Subquery(rows.values("mode")[:1])
    return Exists(rows.filter(scope_key=Cast(OuterRef(key_field), CharField()),
                              mode=Mode.ONLINE))


FIELDS = ("pk", "school_id", "name", "kind", "residence", "active", "klass_name",
          "st__category", "st__until", "st__next_due", "st__compliant", "checkin",
          "school_mode", "klass_online", "unit_online")


def person_facts(*, school_ids, today: date, now, person_id: int | None = None,
                 number: str | None = None) -> list[PersonGateFacts]:
    """The facts of the person with this id or number in one of these schools: one query.
    Empty when nobody matches (a number may match a student and a staff member: both)."""
    rows = Person.objects.filter(school_id__in=list(school_ids))
    rows = rows.filter(pk=person_id) if person_id is not None else rows.filter(number=number)
    latest_checkin = (CheckIn.objects.filter(school_id=OuterRef("school_id"),
                                             person_id=OuterRef("pk"), day=today)
                      .order_by("-submitted_at").values("abnormal")[:1])
    rows = rows.annotate(
        st=FilteredRelation("statuses", condition=Q(statuses__school_id=F("school_id"))),
        klass_name=F("klass__name"),
        checkin=Subquery(latest_checkin),
        school_mode=_mode_of(ModeScope.SCHOOL, None),
        klass_online=_mode_of(ModeScope.KLASS, "klass_id"),
        unit_online=_mode_of(ModeScope.UNIT, "unit_id"),
    ).order_by("kind")
    return [_facts(row, today, now) for row in rows.values_list(*FIELDS)[:2]]


def _facts(row, today, now) -> PersonGateFacts:
    (pk, school_id, name, kind, residence, active, klass_name, category, until, next_due,
     compliant, checkin, school_mode, klass_online, unit_online) = row
    current = (until is None or until >= today) and (next_due is None or next_due > now)
    return PersonGateFacts(
        person_id=pk, school_id=school_id, name=name, kind=kind, boarder=residence == "boarder",
        active=active, klass_name=klass_name or "", category=category or "normal",
        compliant=True if compliant is None else compliant,
        status_current=category is None or current,
        checkin_abnormal=checkin, mode=school_mode or Mode.NORMAL,
        online_teaching=bool(klass_online or unit_online),
    )


# ---- the fever threshold ---------------------------------------------------------------

_thresholds: dict[int, tuple[float, bool, float]] = {}  # school -> (value, outdated, expiry)
_lock = threading.Lock()


def fever_threshold(school_id: int) -> tuple[float, bool]:
    """(the school's fever threshold, whether the province's pack could not be loaded).

    When the chosen pack is outdated (PackOutdated) the gate keeps working: the last value
    seen for the school, else the default pack's, with the flag set so the check says so.
    """
    now = time.monotonic()
    cached = _thresholds.get(school_id)
    if cached and cached[2] > now:
        return cached[0], cached[1]
    value, outdated = _load_threshold(school_id, cached)
    with _lock:
        _thresholds[school_id] = (value, outdated, now + THRESHOLD_TTL)
    return value, outdated


def _load_threshold(school_id: int, cached) -> tuple[float, bool]:
    from apps.policy.selectors import (
        DEFAULT_PACK,
        PackMissing,
        PackOutdated,
        effective_policies_for_schools,
        pack_get,
    )

    try:
        policy = effective_policies_for_schools([school_id])[school_id]
        return float(policy.params.get("fever_threshold_celsius", DEFAULT_FEVER)), False
    except (PackOutdated, PackMissing):
        if cached:
            return cached[0], True
        try:
            param = pack_get(DEFAULT_PACK).parameters.get("fever_threshold_celsius")
            return float(getattr(param, "value", param) or DEFAULT_FEVER), True
        except (PackMissing, AttributeError, TypeError, ValueError):
            return DEFAULT_FEVER, True


def forget_thresholds() -> None:
    """Drop the cache (tests, and a policy change in this process)."""
    with _lock:
        _thresholds.clear()
