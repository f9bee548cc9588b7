"""Test rounds: create one (whom, how, when, where), plan who is sampled on which day, open
and close it. Needs testing.manage on the school; outside the user's scope is a 404.

The members are chosen set-based (one query per scope) and planned by the pure rotation
planner (apps.testing.planner); RoundMember rows are written with bulk inserts in the same
transaction as the round.
"""

import random
from datetime import date

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import FieldError, ValidationFailed
from apps.orgs.models import School, SchoolClass
from apps.people.models import Person
from apps.status.models import PersonStatus
from apps.testing.models import (
    RoundKind,
    RoundMember,
    RoundScope,
    RoundStatus,
    TestRound,
)
from apps.testing.planner import PlanError, plan_rotation
from apps.testing.services.station import pooling_params

PERM = "testing.manage"
# Stored categories that put a person in a key-population round.
KEY_CATEGORIES = ("key_population", "home_monitoring", "home_quarantine",
                  "central_quarantine", "isolation")
MAX_DAYS = 31
MAX_STATIONS = 20
PLAN_MESSAGES = {
    "days_too_few": ("days", "A round lasts at least one day."),
    "share_out_of_range": ("daily_share", "The daily share is a percent from 1 to 100."),
    "share_too_small": ("daily_share", "Days times daily share must reach 100% to cover "
                                       "everyone."),
}


def _fail(errors: list[FieldError]):
    raise ValidationFailed(errors)


def round_create(*, actor, school_id: int, name: str, kind: str, scope: str, day: date,
                 days: int = 1, daily_share: int | None = None, stations: list[str] = (),
                 scope_detail: dict | None = None, drill: bool = False) -> TestRound:
    """Create a planned round and its members with their planned days."""
    school = get_object_or_404(School.objects.restrict(actor, PERM), pk=school_id)
    detail = dict(scope_detail or {})
    errors = _check_fields(name, kind, scope, day, days, daily_share, stations)
    if errors:
        _fail(errors)
    with transaction.atomic():
        people, detail = _members_of(actor, school, scope, detail)
        try:
            plan = plan_rotation(people, days=days, daily_share=daily_share)
        except PlanError as exc:
            field_name, message = PLAN_MESSAGES[exc.reason]
            _fail([FieldError(field_name, exc.reason, _(message))])
        test_round = TestRound.objects.create(
            school=school, name=name.strip(), kind=kind, scope=scope, scope_detail=detail,
            day=day, days=days, daily_share=daily_share, stations=_stations(stations),
            created_by=actor, drill=drill,
        )
        _write_members(test_round, plan)
    return test_round


def _check_fields(name, kind, scope, day, days, daily_share, stations) -> list[FieldError]:
    errors = []
    if not (name or "").strip() or len(name.strip()) > 100:
        errors.append(FieldError("name", "required", _("A name of 1 to 100 characters.")))
    if kind not in RoundKind.values:
        errors.append(FieldError("kind", "unknown", _("Unknown kind of test.")))
    if scope not in RoundScope.values:
        errors.append(FieldError("scope", "unknown", _("Unknown scope.")))
    if not isinstance(day, date):
        errors.append(FieldError("day", "required", _("A first day is required.")))
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors.append(FieldError("days", "out_of_range",
                                 _("A round lasts 1 to %(n)d days.") % {"n": MAX_DAYS}))
    if daily_share is not None and not 1 <= daily_share <= 100:
        errors.append(FieldError("daily_share", "share_out_of_range",
                                 _("The daily share is a percent from 1 to 100.")))
    if len(stations) > MAX_STATIONS or any(len(s.strip()) > 60 for s in stations):
        errors.append(FieldError("stations", "too_many",
                                 _("At most 20 stations, each named in 60 characters.")))
    return errors


def _stations(stations) -> list[str]:
    return list(dict.fromkeys(s.strip() for s in stations if s.strip()))


def _members_of(actor, school: School, scope: str, detail: dict) -> tuple[list, dict]:
    """[(person id, class id)] of the round's scope, and the detail as stored."""
    people = Person.objects.filter(school=school, active=True)
    if scope == RoundScope.KLASS:
        ids = _class_ids(actor, school, detail.get("klass_ids"))
        people, detail = people.filter(klass_id__in=ids), {"klass_ids": ids}
    elif scope == RoundScope.LIST:
        ids = _listed_ids(school, detail.get("numbers"), detail.get("person_ids"))
        people, detail = people.filter(pk__in=ids), {"person_ids": ids}
    elif scope == RoundScope.KEY_POPULATION:
        people = people.filter(pk__in=_key_population_ids(school))
        detail = {}
    rows = list(people.values_list("pk", "klass_id"))
    if scope == RoundScope.SHARE:
        share = detail.get("share_percent")
        if not isinstance(share, int) or not 1 <= share <= 100:
            _fail([FieldError("share_percent", "share_out_of_range",
                              _("The share is a percent from 1 to 100."))])
        rows.sort()
        rows = random.Random(f"{school.pk}:{timezone.now():%Y%m%d%H%M%S%f}").sample(
            rows, round(len(rows) * share / 100))
        detail = {"share_percent": share}
    elif scope == RoundScope.SCHOOL:
        detail = {}
    if not rows:
        _fail([FieldError("scope", "empty", _("Nobody is in this round's scope."))])
    return rows, detail


def _class_ids(actor, school: School, ids) -> list[int]:
    wanted = {int(i) for i in (ids or []) if str(i).isdigit()}
    found = set(SchoolClass.objects.restrict(actor, PERM).open().filter(
        school=school, pk__in=wanted).values_list("pk", flat=True))
    if not wanted or found != wanted:
        _fail([FieldError("klass_ids", "not_found", _("Choose classes of this school."))])
    return sorted(found)


def _listed_ids(school: School, numbers, person_ids) -> list[int]:
    """Pasted student or staff numbers (one a line, or separated by spaces or commas);
    every unknown one is named by its line."""
    if person_ids:
        ids = {int(i) for i in person_ids if str(i).isdigit()}
        found = set(Person.objects.filter(school=school, active=True, pk__in=ids)
                    .values_list("pk", flat=True))
        if found != ids:
            _fail([FieldError("person_ids", "not_found", _("Some people are not in this "
                                                           "school."))])
        return sorted(found)
    lines = [t for t in str(numbers or "").replace(",", "\n").replace(" ", "\n").splitlines()
             if t.strip()]
    wanted = [t.strip() for t in lines]
    found = dict(Person.objects.filter(school=school, active=True, number__in=set(wanted))
                 .values_list("number", "pk"))
    errors = [FieldError(f"numbers[{i}]", "not_found",
                         _("No active person with number %(n)s.") % {"n": number})
              for i, number in enumerate(wanted) if number not in found]
    if errors:
        _fail(errors[:50])
    if not wanted:
        _fail([FieldError("numbers", "required", _("Paste at least one number."))])
    return sorted(set(found.values()))


def _key_population_ids(school: School) -> set[int]:
    """Key population and above, and anyone whose stored status asks for a test not done."""
    ids = set()
    rows = PersonStatus.objects.filter(school=school).exclude(category="normal").values_list(
        "person_id", "category", "actions")
    for person_id, category, actions in rows.iterator(chunk_size=2000):
        wants_test = any(a.get("kind") == "test" and not a.get("done") for a in actions or [])
        if category in KEY_CATEGORIES or wants_test:
            ids.add(person_id)
    return ids


def _write_members(test_round: TestRound, plan: dict) -> None:
    from datetime import timedelta

    days = [test_round.day + timedelta(days=i) for i in range(test_round.days)]
    RoundMember.objects.bulk_create(
        (RoundMember(school_id=test_round.school_id, round=test_round, person_id=person_id,
                     planned_day=days[index]) for person_id, index in plan.items()),
        batch_size=5000,
    )


def _transition(actor, round_id: int, to: str, allowed_from: tuple) -> TestRound:
    with transaction.atomic():
        test_round = get_object_or_404(
            TestRound.objects.restrict(actor, PERM).select_for_update(), pk=round_id)
        if test_round.status == to:
            return test_round
        if test_round.status not in allowed_from:
            _fail([FieldError("status", "not_allowed",
                              _("A %(status)s round cannot be set %(to)s.")
                              % {"status": test_round.get_status_display(),
                                 "to": RoundStatus(to).label})])
        test_round.status = to
        stamp = "opened_at" if to == RoundStatus.OPEN else "closed_at"
        setattr(test_round, stamp, timezone.now())
        fields = ["status", stamp]
        if to == RoundStatus.OPEN:  # the pooling rules the round runs under
            test_round.pooling = pooling_params(test_round.school_id)
            fields.append("pooling")
        test_round.save(update_fields=fields)
        return test_round


def round_open(*, actor, round_id: int) -> TestRound:
    return _transition(actor, round_id, RoundStatus.OPEN, (RoundStatus.PLANNED,))


def round_close(*, actor, round_id: int) -> TestRound:
    """Close a round: no more tubes or scans. Open tubes stay as they are, to be closed."""
    return _transition(actor, round_id, RoundStatus.CLOSED, (RoundStatus.OPEN,))
