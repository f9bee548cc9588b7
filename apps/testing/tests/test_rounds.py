"""Test rounds: scopes, the rotation plan written as members, open and close, personas."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.status.models import PersonStatus
from apps.testing.models import RoundMember, TestRound
from apps.testing.services.rounds import round_close, round_create, round_open
from apps.testing.tests.helpers_station import add_pupils

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def create(world, user="school_a_admin", school="a", **fields):
    values = {"name": "全员核酸", "kind": "pcr_pooled", "scope": "school", "day": TODAY,
              **fields}
    return round_create(actor=world.users[user], school_id=world.schools[school].pk, **values)


def planned(test_round) -> dict:
    return dict(RoundMember.objects.filter(round=test_round)
                .values_list("person_id", "planned_day"))


def reasons(caught) -> list[tuple[str, str]]:
    return [(e.field, e.reason) for e in caught.value.errors]


def test_it_plans_everyone_of_the_school_over_the_rounds_days(world):
    add_pupils(world, "a", "a_c1", 4)
    add_pupils(world, "a", "a_c2", 4, first_seq=200)
    test_round = create(world, days=2)
    plan = planned(test_round)
    assert len(plan) == 12  # 8 new pupils, 3 students and one staff member of the world
    per_day = sorted(list(plan.values()).count(d) for d in set(plan.values()))
    assert per_day == [6, 6] and set(plan.values()) == {TODAY, TODAY + timedelta(days=1)}
    klass_1 = {plan[p.pk] for p in world.persons.values()
               if p.klass_id == world.classes["a_c1"].pk}
    assert len(klass_1) == 1  # a class is sampled together
    assert (test_round.status, test_round.created_by) == ("planned", world.users["school_a_admin"])


def test_it_takes_classes_a_pasted_list_and_a_random_share(world):
    a1, a2 = world.persons["a1_student"], world.persons["a2_student"]
    by_class = create(world, scope="klass", scope_detail={"klass_ids": [a1.klass_id]})
    assert set(planned(by_class)) == {a1.pk, world.persons["a1_student2"].pk}
    listed = create(world, scope="list", scope_detail={"numbers": f"{a1.number}\n {a2.number},"})
    assert set(planned(listed)) == {a1.pk, a2.pk}
    assert listed.scope_detail == {"person_ids": sorted([a1.pk, a2.pk])}
    share = create(world, scope="share", scope_detail={"share_percent": 50})
    assert len(planned(share)) == 2 and share.scope_detail == {"share_percent": 50}


def test_it_takes_the_key_population_from_stored_statuses(world):
    a1, a2, a3 = (world.persons[k] for k in ("a1_student", "a2_student", "a1_student2"))
    PersonStatus.objects.create(school=a1.school, person=a1, category="key_population",
                                pack="henan-2022", pack_version="1")
    PersonStatus.objects.create(school=a2.school, person=a2, category="cleared",
                                pack="henan-2022", pack_version="1",
                                actions=[{"kind": "test", "done": False}])
    PersonStatus.objects.create(school=a3.school, person=a3, category="cleared",
                                pack="henan-2022", pack_version="1",
                                actions=[{"kind": "test", "done": True}])
    test_round = create(world, scope="key_population", kind="pcr_single")
    assert set(planned(test_round)) == {a1.pk, a2.pk}


def test_it_names_every_unknown_number_of_a_list_by_its_line(world):
    with pytest.raises(ValidationFailed) as caught:
        create(world, scope="list", scope_detail={"numbers": "A2024001\nNOPE\nB2024001"})
    assert reasons(caught) == [("numbers[1]", "not_found"), ("numbers[2]", "not_found")]
    assert not TestRound.objects.exists()


@pytest.mark.parametrize("fields, expected", [
    ({"name": " "}, [("name", "required")]),
    ({"kind": "saliva"}, [("kind", "unknown")]),
    ({"days": 0}, [("days", "out_of_range")]),
    ({"days": 3, "daily_share": 20}, [("daily_share", "share_too_small")]),
    ({"scope": "klass", "scope_detail": {"klass_ids": []}}, [("klass_ids", "not_found")]),
    ({"scope": "share", "scope_detail": {"share_percent": 0}},
     [("share_percent", "share_out_of_range")]),
])
def test_it_refuses_a_bad_round_naming_the_field(world, fields, expected):
    with pytest.raises(ValidationFailed) as caught:
        create(world, **fields)
    assert reasons(caught) == expected


def test_it_refuses_another_schools_class(world):
    with pytest.raises(ValidationFailed) as caught:
        create(world, scope="klass", scope_detail={"klass_ids": [world.classes["b_c1"].pk]})
    assert reasons(caught) == [("klass_ids", "not_found")]


def test_it_opens_and_closes_a_round_once_with_its_pooling_rules(world):
    test_round = create(world)
    opened = round_open(actor=world.users["school_a_admin"], round_id=test_round.pk)
    assert opened.status == "open" and opened.pooling["pool_size_default"] == 10
    assert round_open(actor=world.users["school_a_admin"], round_id=test_round.pk).opened_at == (
        opened.opened_at)
    closed = round_close(actor=world.users["school_a_admin"], round_id=test_round.pk)
    assert closed.status == "closed" and closed.closed_at
    with pytest.raises(ValidationFailed) as caught:
        round_open(actor=world.users["school_a_admin"], round_id=test_round.pk)
    assert reasons(caught) == [("status", "not_allowed")]


@pytest.mark.parametrize("user", ["school_b_admin", "teacher_a1", "sampler_a", "guardian_a1"])
def test_it_lets_only_the_schools_office_make_rounds(world, user):
    with pytest.raises(Http404):
        create(world, user=user)
    test_round = create(world)
    with pytest.raises(Http404):
        round_open(actor=world.users[user], round_id=test_round.pk)


def test_it_makes_opens_and_lists_rounds_through_the_api(world):
    import json

    from django.test import Client

    office, sampler = Client(), Client()
    office.force_login(world.users["school_a_admin"])
    sampler.force_login(world.users["sampler_a"])
    body = {"school_id": world.schools["a"].pk, "name": "三天两检", "kind": "pcr_single",
            "scope": "list", "scope_detail": {"numbers": "A2024001\nA2024101"},
            "day": TODAY.isoformat(), "days": 2}
    made = office.post("/api/v1/testing/rounds", json.dumps(body),
                       content_type="application/json")
    assert made.status_code == 201, made.content
    round_id = made.json()["id"]
    assert sampler.post(f"/api/v1/testing/rounds/{round_id}/open").status_code == 404
    opened = office.post(f"/api/v1/testing/rounds/{round_id}/open").json()
    assert opened["status"] == "open" and opened["pooling"]
    detail = sampler.get(f"/api/v1/testing/rounds/{round_id}").json()
    assert detail["progress"] == {"members": 2, "sampled": 0, "tubes_open": 0,
                                  "tubes_closed": 0}
    bad = office.post("/api/v1/testing/rounds", json.dumps({**body, "days": 0}),
                      content_type="application/json").json()
    assert bad["errors"] == [{"field": "days", "reason": "out_of_range",
                              "message": bad["errors"][0]["message"]}]
    other = Client()
    other.force_login(world.users["school_b_admin"])
    assert other.get(f"/api/v1/testing/rounds/{round_id}").status_code == 404
    assert other.get("/api/v1/testing/rounds").json()["count"] == 0
