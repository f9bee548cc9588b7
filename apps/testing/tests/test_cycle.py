"""The automatic testing cycle (henan-2022: the whole school within 2 days, then at least 20 %
a day): opened once per school and day, only while the pack asks for it, over the school's
active people, and seen by the school's testing staff as any round is."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from apps.policy.selectors import pack_get
from apps.policy.services import policy_choose_pack, policy_override_set
from apps.testing.models import RoundMember, Sample, TestRound, Tube
from apps.testing.planner import DAILY_SHARE, WHOLE_SCHOOL, Cycle
from apps.testing.selectors.station import rounds_visible
from apps.testing.services import cycle as testing_cycle
from apps.testing.tests.helpers_station import add_pupils

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NOTHING = {"whole_school": 0, "daily": 0, "members": 0}


def day(n: int):
    return TODAY + timedelta(days=n)


def run(n: int = 0) -> dict:
    return testing_cycle.testing_cycle_run(day=day(n))


def choose(world, pack_id):
    policy_choose_pack(actor=world.users["province"], province_code="410000", pack_id=pack_id,
                       pack_version=str(pack_get(pack_id).version), reason="全员核酸检测")


def automatic(world, school="a"):
    return list(TestRound.objects.filter(opened_by="system", school=world.schools[school])
                .order_by("day", "pk"))


def members(test_round) -> dict:
    return dict(RoundMember.objects.filter(round=test_round)
                .values_list("person_id", "planned_day"))


def active_ids(world, school="a") -> set[int]:
    return set(world.schools[school].persons.filter(active=True).values_list("pk", flat=True))


def test_it_opens_nothing_under_routine_alone(world):
    assert run() == NOTHING and run(2) == NOTHING
    assert not TestRound.objects.exists()


def test_it_opens_a_whole_school_round_over_n_days_once(world):
    add_pupils(world, "a", "a_c1", 6)
    add_pupils(world, "a", "a_c2", 5, first_seq=200)
    choose(world, "henan-2022")
    first = run()
    assert first["whole_school"] == 2  # schools a and b
    assert run() == NOTHING  # the same day again: nothing more
    [made] = automatic(world)
    assert (made.scope, made.days, made.day, made.status, made.opened_by) == (
        "school", 2, TODAY, "open", "system")
    assert made.reason == "henan-2022: whole_school_testing_days=2" and made.created_by is None
    assert made.pooling["pool_size_default"] == pack_get("henan-2022").values()[
        "pool_size_default"] and made.opened_at is not None
    plan = members(made)
    assert set(plan) == active_ids(world)  # everyone active, nobody of school b
    per_day = sorted(list(plan.values()).count(d) for d in (day(0), day(1)))
    assert sum(per_day) == len(plan) and per_day[1] - per_day[0] <= 1  # half a day each
    assert first["members"] == len(plan) + len(members(automatic(world, "b")[0]))


def test_it_waits_for_the_whole_school_round_then_samples_p_percent_a_day(world):
    add_pupils(world, "a", "a_c1", 6)  # 10 active people in school a
    choose(world, "henan-2022")
    run()
    assert run(1) == NOTHING  # the whole-school round's second day
    second = run(2)
    assert second["daily"] == 2 and run(2) == NOTHING
    whole, daily = automatic(world)
    assert (daily.scope, daily.days, daily.day, daily.scope_detail, daily.reason) == (
        "share", 1, day(2), {"share_percent": 20}, "henan-2022: daily_testing_percent=20")
    headcount = len(active_ids(world))
    picked = members(daily)
    assert len(picked) == Cycle(2, 20).daily_count(headcount) == -(-headcount * 20 // 100)
    assert set(picked) <= active_ids(world) and set(picked.values()) == {day(2)}
    for n in range(3, 7):  # one a day until the cycle's end
        assert run(n)["daily"] == 2
    assert run(7)["whole_school"] == 2  # everyone again after a week
    assert [r.scope for r in automatic(world)] == ["school"] + ["share"] * 5 + ["school"]


def test_it_samples_the_longest_untested_first_and_never_the_inactive(world):
    pupils = add_pupils(world, "a", "a_c1", 10)
    gone = pupils[0]
    gone.active = False
    gone.save(update_fields=["active"])
    choose(world, "henan-2022")
    run()
    whole = automatic(world)[0]
    everyone = active_ids(world)
    untested = set(sorted(everyone)[:3])
    tube = Tube.objects.create(school=whole.school, round=whole, barcode="T1", pool_size=20,
                               client_id="t1")
    Sample.objects.bulk_create(
        Sample(school=whole.school, round=whole, tube=tube, person_id=pk, client_id=f"s{pk}",
               scanned_at=timezone.now() - timedelta(hours=1))
        for pk in everyone - untested)
    run(2)
    daily = automatic(world)[1]
    picked = set(members(daily))
    assert len(picked) == 3 == Cycle(2, 20).daily_count(len(everyone))  # 20 % of 14
    assert picked == untested and gone.pk not in picked


def test_a_whole_school_round_by_hand_counts_and_a_drill_does_not(world):
    from apps.testing.services.rounds import round_create

    choose(world, "henan-2022")
    drill = round_create(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk,
                         name="演练", kind="pcr_pooled", scope="school", day=day(-1), drill=True)
    by_hand = round_create(actor=world.users["school_a_admin"], school_id=world.schools["a"].pk,
                           name="全员", kind="pcr_pooled", scope="school", day=day(-1))
    assert drill.drill and by_hand.opened_by == "person"
    counts = run()
    assert counts["whole_school"] == 1 and counts["daily"] == 1  # b starts, a follows on
    [daily] = automatic(world)
    assert daily.scope == "share"


def test_switching_the_layer_off_stops_new_rounds(world):
    choose(world, "henan-2022")
    run()
    choose(world, "routine")
    assert run(2) == NOTHING and run(7) == NOTHING
    assert TestRound.objects.filter(opened_by="system").count() == 2  # the first ones stay
    choose(world, "henan-2022")
    assert run(8)["whole_school"] == 2  # on again: a new cycle


def test_a_school_with_nobody_active_gets_no_round(world):
    world.schools["b"].persons.update(active=False)
    choose(world, "henan-2022")
    assert run()["whole_school"] == 1 and automatic(world, "b") == []


def test_a_bureaus_tightening_sets_the_days(world):
    choose(world, "henan-2022")
    policy_override_set(actor=world.users["province"], node=world.bureaus["jinshui"],
                        param="whole_school_testing_days", value=1, reason="一天完成")
    run()
    assert automatic(world, "a")[0].days == 1 and automatic(world, "b")[0].days == 2
    assert run(1)["daily"] == 1  # a's one-day round is over, b's is not


@pytest.mark.parametrize("username", ["school_a_admin", "sampler_a"])
def test_the_school_sees_an_automatic_round_as_any_round(world, username):
    choose(world, "henan-2022")
    run()
    [made] = automatic(world)
    assert made in rounds_visible(user=world.users[username])
    client = Client()
    client.force_login(world.users[username])
    listed = client.get("/testing/rounds/").content.decode()
    assert made.name in listed and 'data-automatic="' in listed
    page = client.get(f"/testing/rounds/{made.pk}/").content.decode()
    assert "whole_school_testing_days=2" in page


def test_an_automatic_round_is_not_seen_by_another_school(world):
    choose(world, "henan-2022")
    run()
    [made] = automatic(world)
    assert made not in rounds_visible(user=world.users["school_b_admin"])


def test_the_new_round_form_proposes_the_packs_days_and_says_where_they_come_from(world):
    client = Client()
    client.force_login(world.users["school_a_admin"])
    routine = client.get("/testing/rounds/new/").context["form"]
    assert routine["days"].value() == 1
    choose(world, "henan-2022")
    response = client.get("/testing/rounds/new/")
    form, page = response.context["form"], response.content.decode()
    assert (form["scope"].value(), form["days"].value()) == ("school", 2)
    origin = page[page.index('id="testing-cycle-origin"'):]
    origin = origin[: origin.index("</div>")]
    assert "whole_school_testing_days = 2 · henan-2022 (" in origin  # the layer, its source
    assert "daily_testing_percent = 20 · henan-2022 (" in origin and "督导" in origin
    policy_override_set(actor=world.users["province"], node=world.bureaus["jinshui"],
                        param="whole_school_testing_days", value=1, reason="一天完成")
    response = client.get("/testing/rounds/new/")
    assert response.context["form"]["days"].value() == 1
    assert "whole_school_testing_days = 1 · 金水区教育局" in response.content.decode()


def test_the_api_says_a_round_was_opened_by_the_cycle(world):
    choose(world, "henan-2022")
    run()
    client = Client()
    client.force_login(world.users["sampler_a"])
    [listed] = client.get("/api/v1/testing/rounds").json()["items"]
    assert (listed["opened_by"], listed["reason"]) == (
        "system", "henan-2022: whole_school_testing_days=2")


def test_the_service_follows_the_planners_rule_day_by_day(world):
    choose(world, "henan-2022")
    cycle, last, expect = Cycle(2, 20), None, {WHOLE_SCHOOL: ["school"], DAILY_SHARE: ["share"],
                                              None: []}
    for n in range(16):
        step = cycle.step(day(n), last)
        run(n)
        assert [r.scope for r in automatic(world) if r.day == day(n)] == expect[step], n
        last = (day(n), 2) if step == WHOLE_SCHOOL else last


def test_the_database_keeps_one_automatic_round_per_school_and_day(world):
    choose(world, "henan-2022")
    run()
    [made] = automatic(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        TestRound.objects.create(school=made.school, name="again", day=made.day,
                                 scope="share", opened_by="system")
    TestRound.objects.create(school=made.school, name="by hand", day=made.day)  # people may
