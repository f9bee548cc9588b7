from datetime import timedelta

import pytest
from django.utils import timezone

from apps.orgs.models import School
from apps.people.models import SchoolHeadcount
from apps.supplies import selectors, services
from apps.supplies.selectors import HISTORY_DAYS, Cover, cover_rows

from .test_services import record


def cover_of(world, item="masks", school="a"):
    rows = cover_rows(schools=School.objects.filter(pk=world.schools[school].pk))
    return next(r for r in rows if r.item == item)


def test_it_averages_the_recorded_use_over_the_window(counted):
    record(counted, "counted", 700, day=timezone.localdate() - timedelta(days=20))
    record(counted, "used", 140, day=timezone.localdate() - timedelta(days=3))
    record(counted, "used", 100, day=timezone.localdate() - timedelta(days=16))  # outside
    row = cover_of(counted)
    assert row.from_history and row.daily_use == pytest.approx(140 / HISTORY_DAYS)
    assert row.stock == 460 and row.days == pytest.approx(460 / 10)


def test_without_history_it_uses_the_norm_times_the_headcount(counted):
    head = SchoolHeadcount.objects.get(school=counted.schools["a"])
    persons = head.students + head.staff
    assert persons > 0
    record(counted, "counted", persons * 3)
    row = cover_of(counted)
    assert not row.from_history and row.daily_use == pytest.approx(persons * 1.0)
    assert row.days == pytest.approx(3.0) and row.below and row.min_days == 7
    assert row.shortfall == persons * 4 and row.reorder == persons * 11


def test_nothing_used_is_no_cover_figure_and_never_flagged(counted):
    SchoolHeadcount.objects.filter(school=counted.schools["a"]).update(students=0, staff=0)
    row = cover_of(counted)
    assert row.daily_use == 0 and row.days is None and not row.below
    assert row.shortfall == 0 and row.reorder == 0


def test_under_routine_nothing_is_flagged(world):
    record(world, "counted", 1)
    record(world, "used", 1)
    row = cover_of(world)
    assert row.min_days is None and row.days == 0 and not row.below


def test_a_bureau_may_tighten_the_least_days(counted):
    from apps.policy.services import policy_override_set

    policy_override_set(actor=counted.users["jinshui_bureau"], node=counted.bureaus["jinshui"],
                        param="supplies_min_days_cover", value=10, reason="储备要求提高")
    assert cover_of(counted, school="a").min_days == 10
    assert cover_of(counted, school="b").min_days == 7


def test_the_bureau_list_has_its_schools_below_cover_only(counted):
    for key in ("a", "b"):
        record(counted, "counted", 1, school=key, who=f"school_{key}_admin")
    below = dict(selectors.schools_below(user=counted.users["jinshui_bureau"]))
    assert set(below) == {counted.schools["a"].pk}
    province = selectors.schools_below(user=counted.users["province"])
    assert {pk for pk, _w in province} == {counted.schools["a"].pk, counted.schools["b"].pk}
    detail = selectors.schools_below_detail(ids=[counted.schools["a"].pk])
    assert detail[0].school == counted.schools["a"] and len(detail[0].items) == 7


def test_the_bureau_home_counts_the_last_snapshot(counted):
    record(counted, "counted", 1)
    services.cover_snapshot_take()
    assert selectors.schools_below_count(user=counted.users["jinshui_bureau"]) == 2 - 1
    assert selectors.schools_below_count(user=counted.users["luoyang_bureau"]) == 1


def test_the_cover_arithmetic():
    row = Cover(1, "masks", stock=10, daily_use=4.0, from_history=True, min_days=7, days=2.5)
    assert row.below and row.shortfall == 18 and row.reorder == 46
    ample = Cover(1, "masks", stock=100, daily_use=1.0, from_history=True, min_days=7,
                  days=100.0)
    assert not ample.below and ample.shortfall == 0 and ample.reorder == 0


def test_no_school_is_no_row(world):
    assert cover_rows(schools=School.objects.filter(pk__in=[])) == []
    assert selectors.schools_below_detail(ids=[]) == []


def test_an_outdated_pack_choice_flags_nothing_and_breaks_no_page(counted):
    from apps.policy.models import ProvincePolicy

    ProvincePolicy.objects.filter(province_code="410000").update(pack_version="1999.1.0")
    row = cover_of(counted)
    assert row.min_days is None and not row.below
