"""Recomputing and storing statuses: one person on an event, many after a risk-area change
(found set-based), history only on change, idempotent."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.people.models import HouseholdMember
from apps.status.facts import Window
from apps.status.models import PersonStatus, PersonStatusChange
from apps.status.services import (
    affected_persons,
    status_recompute_expiring,
    status_recompute_for_risk_change,
    status_recompute_persons,
    status_recompute_schools,
)
from apps.status.tests.conftest import (
    LUOYANG_JIANXI,
    SHANGHAI_PUDONG,
    days_ago,
    designate,
    status_of,
    trip,
)
from apps.travel.models import Exposure

pytestmark = pytest.mark.django_db


@pytest.fixture
def travellers(henan):
    """a1 went to Pudong; a2's grandfather (a co-resident) did; b1 stayed in Henan but met a
    case there."""
    w = henan
    a1, a2, b1 = w.persons["a1_student"], w.persons["a2_student"], w.persons["b1_student"]
    trip(a1, SHANGHAI_PUDONG, back_days_ago=3)
    trip(a2, SHANGHAI_PUDONG, back_days_ago=3, member=HouseholdMember.objects.get(person=a2))
    Exposure.objects.create(school_id=b1.school_id, person=b1, kind="case", on=days_ago(1),
                            region_id=LUOYANG_JIANXI)
    return a1, a2, b1


def _computed_at(person):
    return PersonStatus.objects.filter(person=person).values_list("computed_at", flat=True).first()


def test_it_finds_exactly_the_persons_a_risk_area_concerns(travellers):
    a1, a2, b1 = travellers
    area = designate(SHANGHAI_PUDONG)
    window = Window(timezone.localdate(), timezone.now())
    assert affected_persons(area_ids=[area.pk], window=window) == {a1.school_id: [a1.pk, a2.pk]}


def test_it_finds_residents_and_prefecture_wide_areas(henan):
    """A prefecture area covers its counties; a person living there is concerned."""
    a1 = henan.persons["a1_student"]
    area = designate("410100")  # 郑州市: contains 金水区, where everyone in the world lives
    window = Window(timezone.localdate(), timezone.now())
    found = affected_persons(area_ids=[area.pk], window=window)
    assert a1.pk in found[a1.school_id]
    assert sum(len(ids) for ids in found.values()) == 5  # every person of the world


def test_it_recomputes_only_the_affected_persons_after_a_risk_area_change(travellers):
    a1, a2, b1 = travellers
    before = timezone.now() - timedelta(hours=1)
    status_recompute_schools(now=before)
    assert status_of(a1)[0] == "key_population"  # back from another province
    assert status_of(a2)[0] == "key_population"  # their co-resident is
    assert status_of(b1)[0] == "central_quarantine"  # a case contact
    area = designate(SHANGHAI_PUDONG, "high", since_days_ago=10)

    assert status_recompute_for_risk_change(area_ids=[area.pk]) == 2

    assert status_of(a1)[0] == "central_quarantine"  # a stay in a high-risk area
    assert _computed_at(a2) > before
    assert _computed_at(b1) == before  # elsewhere: not looked at again
    changes = PersonStatusChange.objects.filter(person=a1).order_by("changed_at")
    assert [(c.category, c.cause) for c in changes] == [
        ("key_population", "manual"), ("central_quarantine", "risk_area")]


def test_it_recomputes_people_of_an_areas_old_region_when_it_moves(travellers):
    a1, _a2, _b1 = travellers
    area = designate(SHANGHAI_PUDONG, "high")
    status_recompute_for_risk_change(area_ids=[area.pk])
    assert status_of(a1)[0] == "central_quarantine"
    area.region_id = LUOYANG_JIANXI  # corrected: it was Jianxi all along
    area.save()
    status_recompute_for_risk_change(area_ids=[area.pk])
    assert status_of(a1)[0] == "key_population"


def test_it_writes_history_only_on_change_and_is_idempotent(travellers):
    a1, _a2, _b1 = travellers
    status_recompute_persons(school_id=a1.school_id, person_ids=[a1.pk], reason="declaration")
    first = PersonStatus.objects.get(person=a1)
    status_recompute_persons(school_id=a1.school_id, person_ids=[a1.pk], reason="declaration")
    again = PersonStatus.objects.get(person=a1)
    assert PersonStatusChange.objects.filter(person=a1).count() == 1
    assert (again.pk, again.category, again.until, again.actions, again.reasons) == (
        first.pk, first.category, first.until, first.actions, first.reasons)


def test_it_stores_nothing_for_a_person_with_nothing_to_do(henan):
    a1 = henan.persons["a1_student"]
    assert status_recompute_persons(school_id=a1.school_id, person_ids=[a1.pk],
                                    reason="declaration") == 1
    assert status_of(a1) is None
    assert not PersonStatusChange.objects.exists()


def test_it_returns_a_person_to_normal_and_records_it(travellers):
    a1, _a2, _b1 = travellers
    status_recompute_persons(school_id=a1.school_id, person_ids=[a1.pk], reason="declaration")
    a1.trip_legs.all().delete()  # withdrawn
    status_recompute_persons(school_id=a1.school_id, person_ids=[a1.pk], reason="declaration")
    assert status_of(a1) == ("normal", None)
    assert [c.category for c in PersonStatusChange.objects.filter(person=a1)] == [
        "normal", "key_population"]  # newest first


def test_it_stores_reasons_and_actions_as_json(travellers):
    a1, _a2, _b1 = travellers
    status_recompute_persons(school_id=a1.school_id, person_ids=[a1.pk], reason="declaration")
    row = PersonStatus.objects.get(person=a1)
    assert row.pack == "henan-2022" and row.pack_version
    assert any("上海" in r["zh"] for r in row.reasons)
    assert all({"rule", "zh", "en"} <= set(r) for r in row.reasons)
    tests = [a for a in row.actions if a["kind"] == "test"]
    assert tests and all(isinstance(a["due"], str) for a in tests)
    assert row.next_due is not None


def test_it_sweeps_statuses_whose_period_ended(henan):
    a1 = henan.persons["a1_student"]
    PersonStatus.objects.create(school_id=a1.school_id, person=a1, category="key_population",
                                until=days_ago(1), pack="henan-2022", pack_version="x")
    assert status_recompute_expiring() == 1
    assert status_of(a1) == ("normal", None)
    assert PersonStatusChange.objects.get(person=a1).cause == "expiry"
    assert status_recompute_expiring() == 0


def test_it_recomputes_schools_from_the_command(travellers, capsys):
    a1, _a2, b1 = travellers
    call_command("recompute_statuses", "--school", str(b1.school_id))
    assert "recomputed 1 persons" in capsys.readouterr().out
    assert status_of(a1) is None and status_of(b1) is not None
    call_command("recompute_statuses", "--all")
    assert status_of(a1) is not None


def test_it_sets_due_times_at_midnight_in_shanghai_not_utc(travellers):
    a1, _a2, _b1 = travellers
    status_recompute_persons(school_id=a1.school_id, person_ids=[a1.pk], reason="manual")
    row = PersonStatus.objects.get(person=a1)
    dues = [a["due"] for a in row.actions if a["kind"] == "test" and a["due"]]
    assert dues and all(d.endswith("T00:00:00+08:00") for d in dues), dues
    local_due = timezone.localtime(row.next_due)
    assert (local_due.hour, local_due.minute) == (0, 0)
