"""What a verdict needs about one person, read in one query, and the school's fever
threshold, cached per process.

The one query joins the person, their class name, their stored status, today's latest
check-in, the modes of their school, grade and class, and whether a staff member is recorded
as living on campus (apps.emergency CampusResident: a boarder for the closed-loop rules),
all through indexes that lead with the school. The threshold changes only when a policy
does, so it is kept for THRESHOLD_TTL seconds per school rather than read on every scan.
"""

import threading
import time
from dataclasses import dataclass
from datetime import UTC, date
from functools import lru_cache

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from apps.core.db import prepared_cursor
from apps.emergency.models import CampusResident, Mode, ModeState
from apps.health.models import CheckIn
from apps.people.models import Person, PersonKind

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


def _sql() -> str:
    """The one query, written out once: an ORM query rebuilt on every scan cost more CPU
    than the database spent answering it."""
    from apps.orgs.models import SchoolClass
    from apps.status.models import PersonStatus

    t = {m.__name__: connection.ops.quote_name(m._meta.db_table)
         for m in (Person, SchoolClass, PersonStatus, CheckIn, ModeState, CampusResident)}
    key = "VARCHAR(40)"
    return f"""
SELECT p.id, p.school_id, p.name, p.kind, p.residence, p.active, k.name,
       s.category, s.until, s.next_due, s.compliant,
       (SELECT c.abnormal FROM {t["CheckIn"]} c WHERE c.school_id = p.school_id
         AND c.person_id = p.id AND c.day = %s ORDER BY c.submitted_at DESC LIMIT 1),
       (SELECT m.mode FROM {t["ModeState"]} m WHERE m.school_id = p.school_id
         AND m.scope = 'school' AND m.scope_key = '' LIMIT 1),
       EXISTS (SELECT 1 FROM {t["ModeState"]} m WHERE m.school_id = p.school_id
         AND m.mode = 'online'
         AND ((m.scope = 'klass' AND m.scope_key = CAST(p.klass_id AS {key}))
              OR (m.scope = 'unit' AND m.scope_key = CAST(p.unit_id AS {key})))),
       EXISTS (SELECT 1 FROM {t["CampusResident"]} r WHERE r.school_id = p.school_id
         AND r.person_id = p.id AND r.since <= %s AND (r.until IS NULL OR r.until >= %s))
FROM {t["Person"]} p
LEFT JOIN {t["SchoolClass"]} k ON k.id = p.klass_id
LEFT JOIN {t["PersonStatus"]} s ON s.school_id = p.school_id AND s.person_id = p.id
WHERE p.school_id = %s AND """  # noqa: S608 (table names only; values are parameters)


# A number is unique per (school, kind, number): naming every kind lets the index be read
# with one descent per kind instead of through all of the school's people (0.3 ms a scan).
_BY_NUMBER = "p.kind IN ({}) AND p.number = %s".format(
    ", ".join(f"'{kind}'" for kind in PersonKind.values))


@lru_cache(maxsize=4)
def _statement(by: str) -> str:
    return _sql() + ("p.id = %s" if by == "id" else _BY_NUMBER) + " ORDER BY p.kind LIMIT 2"


def person_facts(*, school_id: int, today: date, now, person_id: int | None = None,
                 number: str | None = None) -> list[PersonGateFacts]:
    """The facts of the person with this id or number at this school: one query. Empty when
    nobody matches (a number may match a student and a staff member: both come back)."""
    by, value = ("id", person_id) if person_id is not None else ("number", number)
    # Prepared once per connection (apps.core.db): planning it cost more than running it.
    with prepared_cursor() as cursor:
        cursor.execute(_statement(by), [today, today, today, school_id, value])
        return [_facts(row, today, now) for row in cursor.fetchall()]


def _as_date(value):
    return parse_date(value) if isinstance(value, str) else value


def _as_datetime(value):
    if isinstance(value, str):  # SQLite: naive UTC text
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _facts(row, today, now) -> PersonGateFacts:
    (pk, school_id, name, kind, residence, active, klass_name, category, until, next_due,
     compliant, checkin, school_mode, online, on_campus) = row
    until, next_due = _as_date(until), _as_datetime(next_due)
    current = (until is None or until >= today) and (next_due is None or next_due > now)
    return PersonGateFacts(
        person_id=pk, school_id=school_id, name=name, kind=kind,
        boarder=residence == "boarder" or bool(on_campus),
        active=bool(active), klass_name=klass_name or "", category=category or "normal",
        compliant=True if compliant is None else bool(compliant),
        status_current=category is None or current,
        checkin_abnormal=None if checkin is None else bool(checkin),
        mode=school_mode or Mode.NORMAL, online_teaching=bool(online),
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
