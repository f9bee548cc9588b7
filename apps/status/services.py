"""Writes of stored statuses: evaluate persons with their school's effective policy and write
the results back in bulk, never one query per person.

A person without a stored row is "normal": rows are written for persons whose status is not
normal, or was not before, so a province of millions keeps rows only for those who have had
a status. A history row is written only when the category, the end date or the compliance
changes, so recomputing the same facts twice writes no history.

Each batch (at most BATCH persons, possibly of several small schools) is one transaction:
its statuses and their history rows are written together or not at all, while a change that
touches a hundred thousand persons neither holds their rows locked for the whole run nor
loses every finished batch when a late one fails; running it again is harmless, since a
recompute is idempotent.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import FieldError, ValidationFailed
from apps.health.models import CheckIn
from apps.orgs.models import School
from apps.people.models import HouseholdMember, Person
from apps.policy.engine import facts as engine
from apps.policy.engine.evaluate import evaluate
from apps.policy.models import PolicyOverride
from apps.policy.selectors import effective_policies_for_schools, packs_all, rule_layers
from apps.regions.models import Region
from apps.risk.models import RiskArea
from apps.status.facts import (
    CHECKIN_WARM_CELSIUS,
    DEFAULT_LOOKBACK_DAYS,
    Window,
    load_facts_batch,
    risk_areas_in_window,
)
from apps.status.models import Category, Cause, ClearedBy, PersonStatus, RegimenMark
from apps.status.verdicts import followups_close, verdicts_store
from apps.status.writer import changes_insert, statuses_upsert
from apps.travel.models import Exposure, TripLeg

BATCH = 2000  # persons per batch: facts, evaluation and writes
# The parameters that say how long ago a stay in an affected area still concerns someone.
SEARCH_WINDOW_PARAMS = ("trace_back_window_days", "risk_stay_lookback_days")
# Recompute causes, recorded on history rows.
CAUSE_DECLARATION = Cause.DECLARATION
CAUSE_RISK_AREA = Cause.RISK_AREA
CAUSE_EXPIRY = Cause.EXPIRY
CAUSE_MANUAL = Cause.MANUAL
CAUSE_POLICY = Cause.POLICY
CAUSE_TEST_RESULT = Cause.TEST_RESULT
CAUSE_CHECKIN = Cause.CHECKIN
CAUSE_MODE = Cause.MODE
CAUSE_DECISION = Cause.DECISION


# ---- entry points ------------------------------------------------------------------------


def status_recompute_persons(
    *, school_id: int, person_ids: Iterable[int], reason: str, now: datetime | None = None
) -> int:
    """Recompute the statuses of some persons of one school (after a declaration, say).
    Returns how many persons were evaluated."""
    return _recompute({school_id: sorted(set(person_ids))}, cause=reason, now=now)


def status_recompute_for_risk_change(
    *, area_ids: Iterable[int], now: datetime | None = None
) -> int:
    """Recompute everyone a change of these risk areas may concern, found set-based in the
    database (see affected_persons). Returns how many persons were evaluated."""
    window = _window(now, lookback_days=_search_lookback())
    affected = affected_persons(area_ids=area_ids, window=window)
    return _recompute(affected, cause=CAUSE_RISK_AREA, now=window.now)


def status_recompute_expiring(*, now: datetime | None = None) -> int:
    """Recompute statuses whose end date has passed or whose next action fell due."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = PersonStatus.objects.filter(Q(until__lt=today) | Q(next_due__lte=now))
    return _recompute(_grouped(rows.values_list("school_id", "person_id")),
                      cause=CAUSE_EXPIRY, now=now)


def status_recompute_schools(*, school_ids: Iterable[int] | None = None,
                             now: datetime | None = None, cause: str = CAUSE_MANUAL) -> int:
    """Recompute every active person of these schools (all schools when None), school by
    school, reading person ids in chunks."""
    persons = Person.objects.filter(active=True)
    if school_ids is not None:
        persons = persons.filter(school_id__in=list(school_ids))
    ids = persons.order_by("school_id", "id").values_list("school_id", "id")
    total = 0
    for chunk in _chunks(ids.iterator(chunk_size=BATCH * 10), BATCH * 10):
        total += _recompute(_grouped(chunk), cause=cause, now=now)
    return total


def status_recompute_for_policy_switch(*, province_code: str, now: datetime | None = None
                                       ) -> int:
    """Recompute, after a switch of the province's pack (a new version, or a layer on or
    off), everyone whose status the switch may change, found set-based in the database
    (switch_candidates): no Python loop over the province's millions, most of whom have no
    fact any rule acts on and are normal under every pack. Runs inside the caller's
    transaction (the switch's). Returns how many persons were evaluated."""
    window = _window(now, lookback_days=_switch_lookback())
    return _recompute(switch_candidates(province_code=province_code, window=window),
                      cause=CAUSE_POLICY, now=window.now)


def switch_candidates(*, province_code: str, window: Window) -> dict[int, list[int]]:
    """{school_id: [person_id, ...]} of the province's persons a change of its rules may
    concern, in one query (a UNION): a stored status (every non-normal one, and those that
    were), a trip leg of theirs or a co-resident's, an exposure or a warm or abnormal
    check-in within the window, an open regimen mark, or a residence (theirs or a
    co-resident's) inside a risk area designated or lifted within it. A person with none of
    these is normal under every pack (apps/status/tests/test_policy_switch.py proves it for
    the shipped packs), and keeps no stored row either way."""
    schools = Q(school_id__in=School.objects.filter(province_code=province_code).values("pk"))
    during = {"on__gte": window.since, "on__lte": window.today}
    pairs = [
        PersonStatus.objects.filter(schools),
        RegimenMark.objects.filter(schools, cleared_at__isnull=True),
        TripLeg.objects.filter(schools, arrive__gte=window.since, depart__lte=window.today),
        Exposure.objects.filter(schools, **during),
        CheckIn.objects.filter(schools, day__gte=window.since, day__lte=window.today).filter(
            Q(abnormal=True) | Q(temperature__gte=CHECKIN_WARM_CELSIUS)),
    ]
    areas = [area.pk for area in RiskArea.objects.filter(start__lte=window.today).filter(
        Q(end__isnull=True) | Q(end__gte=window.since)).only("pk")]
    if areas:
        inside = area_region_codes(areas)
        pairs.append(HouseholdMember.objects.filter(schools, residence_region_id__in=inside))
    queries = [q.order_by().values_list("school_id", "person_id") for q in pairs]
    if areas:
        queries.append(Person.objects.filter(schools, active=True, residence_region_id__in=inside)
                       .order_by().values_list("school_id", "id"))
    return _grouped(queries[0].union(*queries[1:]).order_by())


def _switch_lookback() -> int:
    """How far back a fact may still set a status under any pack there is, or any override
    (which may only lengthen a period): the switch may go to any of them. How long records
    are kept (retention_*_days) sets no status and is left out."""
    values = [(name, value) for pack in packs_all() for name, value in pack.values().items()]
    values += PolicyOverride.objects.values_list("param", "value")
    return max([DEFAULT_LOOKBACK_DAYS, *(
        value for name, value in values if name.endswith("_days")
        and not name.startswith("retention_") and isinstance(value, int))])


# ---- who a risk-area change concerns -----------------------------------------------------


def area_prefix(code: str) -> str:
    """The significant prefix of an area's region code (GB/T 2260, as the engine reads it): a
    province (xx0000) its first two digits, a prefecture (xxxx00) its first four, a county
    all six; every code inside the area starts with it."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def area_region_codes(area_ids: Iterable[int]):
    """A subquery of the region codes inside the areas' regions, current and past: an area
    moved to another region no longer concerns the old one's people, whose statuses must be
    recomputed as well."""
    ids = list(area_ids)
    regions = set(RiskArea.objects.filter(pk__in=ids).values_list("region_id", flat=True))
    regions |= set(RiskArea.history.filter(id__in=ids).values_list("region_id", flat=True))
    if not regions:
        return Region.objects.none().values("code")
    return Region.objects.filter(
        reduce(or_, (Q(code__startswith=area_prefix(code)) for code in sorted(regions)))
    ).order_by().values("code")


def affected_persons(*, area_ids: Iterable[int], window: Window) -> dict[int, list[int]]:
    """{school_id: [person_id, ...]} of persons a change of these areas may concern, in one
    query: a trip leg of theirs or of a co-resident from or to a region inside an area within
    the window, a residence (theirs or a co-resident's) inside one, or an exposure there.
    The engine decides what each of them gets; this only must not miss anyone."""
    inside = area_region_codes(area_ids)
    recent = Q(depart__lte=window.today)
    legs_to = TripLeg.objects.filter(recent, to_region_id__in=inside, arrive__gte=window.since)
    legs_from = TripLeg.objects.filter(recent, from_region_id__in=inside,
                                       depart__gte=window.since)
    residents = Person.objects.filter(residence_region_id__in=inside, active=True)
    households = HouseholdMember.objects.filter(residence_region_id__in=inside)
    exposed = Exposure.objects.filter(region_id__in=inside, on__gte=window.since,
                                      on__lte=window.today)
    pairs = [q.order_by().values_list("school_id", "person_id")
             for q in (legs_to, legs_from, households, exposed)]
    residents = residents.order_by().values_list("school_id", "id")
    # UNION: each person once; no ORDER BY (a union takes the first model's default).
    union = pairs[0].union(*pairs[1:], residents).order_by()
    return _grouped(union)


# ---- the recompute -----------------------------------------------------------------------


def _recompute(persons: Mapping[int, list[int]], *, cause: str, now: datetime | None) -> int:
    if not any(persons.values()):
        return 0
    policies = effective_policies_for_schools(persons)
    window = _window(now, lookback_days=lookback_days(policies.values()))
    risk_areas = risk_areas_in_window(window)
    done = 0
    for batch in _batches(persons):
        with transaction.atomic():
            facts = load_facts_batch(persons=batch, window=window, risk_areas=risk_areas)
            statuses = {pk: (f, evaluate(f, policies[f.school_id])) for pk, f in facts.items()}
            _write(statuses, policies, cause=cause, now=window.now)
            verdicts_store(statuses, policies, now=window.now)
        done += len(facts)
    return done


def _write(statuses: dict, policies: Mapping[int, engine.Policy], *, cause: str,
           now: datetime) -> None:
    """Upsert the statuses and add history rows where category, until or compliance changed,
    in a few statements for the whole batch (apps.status.writer)."""
    schools = {f.school_id for f, _s in statuses.values()}
    before = {
        person_id: (category, until, compliant)
        for person_id, category, until, compliant in PersonStatus.objects.filter(
            school_id__in=schools, person_id__in=list(statuses)
        ).values_list("person_id", "category", "until", "compliant")
    }
    rows, changes = [], []
    layers = {pack: rule_layers(pack) for pack in {p.pack for p in policies.values()}}
    for pk, (f, status) in statuses.items():
        key = (status.category, status.until, status.compliant)
        was = before.get(pk)
        if was is None and key == (Category.NORMAL, None, True) and not status.actions:
            # No row means normal with nothing to do: nothing to store for someone who never
            # had one (a planned trip's approval is something to do while normal).
            continue
        policy = policies[f.school_id]
        rows.append(_status_row(f, status, policy, now))
        if key != (was or (Category.NORMAL, None, True)):
            changes.append(_change_row(f, status, policy, cause, now, layers[policy.pack]))
    statuses_upsert(rows)
    changes_insert(changes)


def _status_row(f, status: engine.Status, policy: engine.Policy, now) -> dict:
    return {
        "school_id": f.school_id, "person_id": f.person_id, "category": status.category,
        "until": status.until, "compliant": status.compliant,
        "actions": [action_json(a) for a in status.actions],
        "reasons": [reason_json(r) for r in status.reasons],
        "pack": policy.pack, "pack_version": str(policy.version),
        "next_due": _next_due(status, now), "computed_at": now,
    }


def _change_row(f, status: engine.Status, policy: engine.Policy, cause, now,
                layers: Mapping[str, str]) -> dict:
    deciding = status.reasons[0].rule if status.reasons else ""
    return {
        "school_id": f.school_id, "person_id": f.person_id, "category": status.category,
        "until": status.until, "compliant": status.compliant,
        "reasons": [reason_json(r) for r in status.reasons],
        "pack": policy.pack, "pack_version": str(policy.version), "cause": str(cause)[:40],
        "layer": layers.get(deciding, policy.pack), "changed_at": now,
    }


def action_json(action: engine.Action) -> dict:
    return {
        "kind": action.kind,
        "due": action.due.isoformat() if action.due else None,
        "until": action.until.isoformat() if action.until else None,
        "done": action.done,
        "detail": _plain(action.detail),
    }


def reason_json(reason: engine.Reason) -> dict:
    return {"rule": reason.rule, "zh": reason.zh, "en": reason.en}


def _plain(value):
    """JSON-ready: dates and datetimes as ISO text, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _next_due(status: engine.Status, now: datetime) -> datetime | None:
    """The next time an action not yet done falls due, after now: the status may change
    then (one already overdue is in the status as computed)."""
    dues = [a.due for a in status.actions if a.due is not None and not a.done and a.due > now]
    return min(dues, default=None)


# ---- helpers -----------------------------------------------------------------------------


def lookback_days(policies: Iterable[engine.Policy]) -> int:
    """How far back facts are loaded: the longest period or window (a parameter in days) of
    any of the policies, so that every event still able to set a status is read."""
    periods = [
        value for policy in policies for name, value in policy.params.items()
        if name.endswith("_days") and isinstance(value, int)
    ]
    return max([DEFAULT_LOOKBACK_DAYS, *periods])


def _search_lookback() -> int:
    """How far back a stay in a newly designated area concerns someone: the longest
    trace-back window of any pack or any override (which may only lengthen it), read before
    the affected schools are known."""
    values = [
        value for pack in packs_all() for name, value in pack.values().items()
        if name in SEARCH_WINDOW_PARAMS and isinstance(value, int)
    ]
    values += [
        value for value in PolicyOverride.objects.filter(
            param__in=SEARCH_WINDOW_PARAMS).values_list("value", flat=True)
        if isinstance(value, int)
    ]
    return max([DEFAULT_LOOKBACK_DAYS, *values])


def _window(now: datetime | None, *, lookback_days: int) -> Window:
    now = now or timezone.now()
    return Window(today=timezone.localdate(now), now=now, lookback_days=lookback_days)


def _grouped(pairs: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    grouped = defaultdict(set)
    for school_id, person_id in pairs:
        grouped[school_id].add(person_id)
    return {school_id: sorted(ids) for school_id, ids in sorted(grouped.items())}


def _batches(persons: Mapping[int, list[int]]) -> Iterator[dict[int, list[int]]]:
    """Whole schools packed into batches of at most BATCH persons; a larger school is cut."""
    batch, size = defaultdict(list), 0
    for school_id, ids in persons.items():
        for start in range(0, len(ids), BATCH):
            part = ids[start : start + BATCH]
            if size + len(part) > BATCH and size:
                yield dict(batch)
                batch, size = defaultdict(list), 0
            batch[school_id].extend(part)
            size += len(part)
    if size:
        yield dict(batch)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ---- clearing a regimen mark by a recorded decision ----------------------------------------

REASON_MAX = 2000


@transaction.atomic
def regimen_mark_clear(*, actor, mark_id: int, reason: str) -> RegimenMark:
    """Clear a "regimen not completed" mark by a decision with its reason (the class teacher,
    unit lead or epidemic office of the person: status.clear_mark), recorded in the mark's
    history; its follow-up is closed with the reason and the person's status recomputed at
    once. The same decision sent twice (a double tap) is one. An unknown or out-of-scope
    mark raises RegimenMark.DoesNotExist."""
    mark = (RegimenMark.objects.restrict(actor, "status.clear_mark")
            .select_for_update(of=("self",)).get(pk=mark_id))
    reason = (reason or "").strip()
    if mark.cleared_by == ClearedBy.DECISION and mark.decided_by_id == actor.pk \
            and mark.reason == reason:
        return mark
    if mark.cleared_at is not None:
        raise ValidationFailed([FieldError("mark", "cleared", _("This mark is cleared already."))])
    if not reason:
        raise ValidationFailed([FieldError("reason", "required",
                                           _("Say why the mark is cleared."))])
    if len(reason) > REASON_MAX:
        raise ValidationFailed([FieldError("reason", "too_long", _(
            "At most %(n)d characters.") % {"n": REASON_MAX})])
    now = timezone.now()
    mark.cleared_at, mark.cleared_by, mark.reason, mark.decided_by = (
        now, ClearedBy.DECISION, reason, actor)
    mark._history_user, mark._change_reason = actor, reason[:100]
    mark.save(update_fields=["cleared_at", "cleared_by", "reason", "decided_by"])
    followups_close([(mark.school_id, mark.person_id, mark.source, reason)], now=now,
                    actor=actor)
    status_recompute_persons(school_id=mark.school_id, person_ids=[mark.person_id],
                             reason=CAUSE_DECISION, now=now)
    return mark
