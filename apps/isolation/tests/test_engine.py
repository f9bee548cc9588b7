"""The engine's isolation rules fed from real isolation records (apps.status.facts asks
apps.isolation.selectors.isolated_until): table-driven, each row a record and the status the
person has after it, on the one-person and the set-based recompute path."""

import pytest

from apps.isolation import services
from apps.status.models import PersonStatus
from apps.status.services import CAUSE_MANUAL, status_recompute_persons

from .conftest import day, opened

pytestmark = pytest.mark.django_db


class _Normal:
    """No stored row: the person's status is normal."""

    category, actions, reasons = "normal", [], []


def _status(world, key="a1_student"):
    return PersonStatus.objects.filter(person=world.persons[key]).first() or _Normal()


# (start, planned end, released on (None: open), category, last day of isolation the
# status says (its "isolate" action; None: none), reason code). The routine pack monitors
# health for 7 days after isolation.
CASES = [
    ("open, in force", 0, 6, None, "isolation", 6, "isolation"),
    ("open, begun earlier", -3, 2, None, "isolation", 2, "isolation"),
    ("released early today", -3, 4, 0, "cleared", None, "isolation_ended"),
    ("released yesterday", -5, 4, -1, "cleared", None, "isolation_ended"),
    ("ended long ago", -40, -30, -29, "normal", None, None),
]


def _isolate_until(row):
    found = [a["until"] for a in row.actions if a["kind"] == "isolate"]
    return day_of(found[0]) if found else None


def day_of(text):
    from datetime import date

    return date.fromisoformat(text[:10])


@pytest.mark.parametrize(("name", "start", "end", "released", "category", "until", "code"),
                         CASES, ids=[c[0] for c in CASES])
def test_the_record_sets_the_status(world, name, start, end, released, category, until, code):
    isolation = opened(world, start=start, end=end)
    if released is not None:
        services.isolation_close(actor=world.users["school_a_admin"],
                                 isolation_id=isolation.pk, released_on=day(released))
    row = _status(world)
    assert row.category == category
    assert _isolate_until(row) == (day(until) if until is not None else None)
    assert code is None or code in [r["rule"] for r in row.reasons]


def test_extending_moves_the_status_until(world):
    isolation = opened(world, end=3)
    assert _isolate_until(_status(world)) == day(3)
    services.isolation_extend(actor=world.users["school_a_admin"], isolation_id=isolation.pk,
                              planned_end=day(9), reason="复检阳性")
    assert _isolate_until(_status(world)) == day(9)
    assert _status(world).category == "isolation"


def test_the_set_based_recompute_reads_the_record_too(world):
    opened(world, end=5)
    opened(world, "a2_student", end=2)
    PersonStatus.objects.all().delete()
    status_recompute_persons(school_id=world.schools["a"].pk, reason=CAUSE_MANUAL,
                             person_ids=[world.persons[k].pk for k in
                                         ("a1_student", "a2_student", "a1_student2")])
    assert (_status(world).category, _isolate_until(_status(world))) == ("isolation", day(5))
    assert _isolate_until(_status(world, "a2_student")) == day(2)
    assert _status(world, "a1_student2").category == "normal"


def test_a_record_not_yet_begun_is_not_in_force(world):
    opened(world, start=2, end=8)
    assert _status(world).category == "normal"
