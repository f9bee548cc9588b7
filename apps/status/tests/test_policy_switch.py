"""The recompute of a policy switch reads only the persons a change of rules may concern
(switch_candidates, one query): that is safe because a person with no fact any rule acts on
is normal under every pack there is, which the first test proves."""

from itertools import product

import pytest
from django.utils import timezone

from apps.health.models import CheckIn
from apps.policy.engine.evaluate import evaluate
from apps.policy.engine.facts import PersonFacts
from apps.policy.selectors import packs_all
from apps.status.facts import Window
from apps.status.models import PersonStatus
from apps.status.services import status_recompute_for_policy_switch, switch_candidates
from apps.status.tests.conftest import SHANGHAI_PUDONG, days_ago, designate, trip
from apps.travel.models import Exposure

MODES = ("normal", "emergency", "closed_loop", "online")


@pytest.mark.parametrize("pack", packs_all(), ids=lambda p: p.id)
def test_a_person_with_no_facts_is_normal_under_every_pack(pack):
    now = timezone.localtime()
    for kind, residence, mode in product(("student", "staff"), ("day", "boarder"), MODES):
        facts = PersonFacts(person_id=1, school_id=1, kind=kind, residence=residence,
                            home_region="410105", school_region="410105",
                            today=now.date(), now=now, school_mode=mode)
        status = evaluate(facts, pack.policy())
        assert (status.category, status.until, status.compliant) == ("normal", None, True), (
            kind, residence, mode)


@pytest.mark.django_db
def test_it_finds_everyone_a_switch_may_concern_and_no_one_else(henan):
    w = henan
    p = w.persons
    trip(p["a1_student"], SHANGHAI_PUDONG, back_days_ago=3)
    b1 = p["b1_student"]
    Exposure.objects.create(school_id=b1.school_id, person=b1, kind="case", on=days_ago(1))
    warm = p["a2_student"]
    CheckIn.objects.create(school_id=warm.school_id, person=warm, day=days_ago(1),
                           slot="morning", temperature=37.6, submitted_as="self",
                           client_id="t1")
    stored = p["a_staff"]
    PersonStatus.objects.create(school_id=stored.school_id, person=stored, category="normal",
                                pack="henan-2022", pack_version="x")
    window = Window(timezone.localdate(), timezone.now(), 14)
    found = switch_candidates(province_code="410000", window=window)
    ids = {pk for pks in found.values() for pk in pks}
    assert ids == {p["a1_student"].pk, b1.pk, warm.pk, stored.pk}
    assert switch_candidates(province_code="310000", window=window) == {}

    designate("410100")  # everyone of the world lives in Zhengzhou
    everyone = switch_candidates(province_code="410000", window=window)
    assert sum(len(pks) for pks in everyone.values()) == len(
        {x.pk for x in p.values() if x.active})


@pytest.mark.django_db
def test_it_recomputes_nobody_when_nothing_concerns_anyone(henan):
    assert status_recompute_for_policy_switch(province_code="410000") == 0
    assert not PersonStatus.objects.exists()


@pytest.mark.django_db
def test_it_looks_back_as_far_as_a_rule_does_not_as_long_as_records_are_kept(henan):
    a1, a2 = henan.persons["a1_student"], henan.persons["a2_student"]
    trip(a1, SHANGHAI_PUDONG, back_days_ago=3)
    trip(a2, SHANGHAI_PUDONG, back_days_ago=40)  # kept (retention) but no rule reads it
    assert status_recompute_for_policy_switch(province_code="410000") == 1
