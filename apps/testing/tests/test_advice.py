"""Pool-size advice (Dorfman): a table of known values, then the formula's properties."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.testing import models
from apps.testing.advice import (
    POOL_SIZES,
    advise,
    crossover_prevalence,
    curve,
    expected_tests_per_person,
)

prevalences = st.floats(min_value=0, max_value=1, allow_nan=False)
pool_sizes = st.integers(min_value=2, max_value=50)


@pytest.mark.parametrize(("p", "k", "expected"), [
    (0.0, 10, 0.1),
    (0.01, 10, 0.1 + 1 - 0.99 ** 10),  # 0.1956
    (0.01, 5, 0.2 + 1 - 0.99 ** 5),  # 0.2490
    (0.05, 20, 0.05 + 1 - 0.95 ** 20),  # 0.6915
    (0.3, 5, 0.2 + 1 - 0.7 ** 5),  # 1.0319: costs more than single tubes
    (0.5, 1, 1.0),
])
def test_it_computes_dorfmans_expected_tests_per_person(p, k, expected):
    assert expected_tests_per_person(p, k) == pytest.approx(expected)


@pytest.mark.parametrize(("p", "best"), [
    (0.0, 20), (0.001, 20), (0.005, 20), (0.01, 10), (0.02, 10), (0.05, 5), (0.1, 5),
    (0.25, 5), (0.28, 1), (0.4, 1), (1.0, 1),
])
def test_it_recommends_the_allowed_size_with_the_fewest_tests(p, best):
    advice = advise(p)
    assert advice.best.pool_size == best
    assert advice.pooling_pays is (best > 1)
    assert [o.pool_size for o in advice.options] == [1, 5, 10, 20]


@pytest.mark.parametrize(("k", "crossover"), [(5, 0.2752), (10, 0.2057), (20, 0.1391)])
def test_it_gives_the_prevalence_where_each_pool_stops_paying(k, crossover):
    assert crossover_prevalence(k) == pytest.approx(crossover, abs=1e-4)
    assert expected_tests_per_person(crossover_prevalence(k), k) == pytest.approx(1.0)


def test_it_says_pooling_stops_paying_at_the_largest_crossover_of_the_allowed_sizes():
    assert advise(0.1).stops_paying_at == pytest.approx(crossover_prevalence(5))
    assert advise(0.1, sizes=(1, 10, 20)).stops_paying_at == pytest.approx(
        crossover_prevalence(10))
    assert advise(0.1, sizes=(1,)).stops_paying_at == 0.0


def test_it_refuses_a_prevalence_outside_zero_to_one_and_a_pool_below_one():
    for p, k in ((-0.01, 5), (1.01, 5), (0.1, 0)):
        with pytest.raises(ValueError):
            expected_tests_per_person(p, k)


def test_it_offers_the_sizes_the_station_allows():
    assert models.POOL_SIZES == POOL_SIZES


def test_it_draws_a_curve_from_zero_to_the_limit_for_each_size():
    lines = curve(points=5, up_to=0.4)
    assert sorted(lines) == [1, 5, 10, 20]
    assert [p for p, _e in lines[10]] == pytest.approx([0, 0.1, 0.2, 0.3, 0.4])
    assert lines[1][-1][1] == 1.0 and lines[20][0][1] == pytest.approx(0.05)


@given(pool_sizes, prevalences)
def test_it_never_expects_fewer_than_one_test_per_pool_nor_more_than_one_plus(k, p):
    expected = expected_tests_per_person(p, k)
    assert 1 / k - 1e-12 <= expected <= 1 / k + 1 + 1e-12


@given(pool_sizes, prevalences, prevalences)
def test_it_expects_more_tests_as_prevalence_rises(k, p, q):
    low, high = sorted((p, q))
    assert expected_tests_per_person(low, k) <= expected_tests_per_person(high, k) + 1e-12


@given(st.floats(min_value=0, max_value=1e-4))
def test_it_lets_the_largest_pool_win_as_prevalence_goes_to_zero(p):
    assert advise(p).best.pool_size == max(POOL_SIZES)


@given(pool_sizes, st.floats(min_value=0.31, max_value=1))
def test_it_never_pools_at_a_prevalence_of_about_a_third_or_more(k, p):
    # max over k >= 2 of 1 - k^(-1/k) is at k = 3 (0.3066): above it no pool size pays.
    assert expected_tests_per_person(p, k) >= 1
    assert advise(p).best.pool_size == 1


@given(pool_sizes, prevalences)
def test_it_says_a_pool_pays_exactly_below_its_crossover(k, p):
    crossover = crossover_prevalence(k)
    if math.isclose(p, crossover, abs_tol=1e-9):
        return
    assert (expected_tests_per_person(p, k) < 1) is (p < crossover)


@given(prevalences)
def test_it_recommends_no_size_with_more_tests_than_another(p):
    advice = advise(p)
    assert all(advice.best.tests_per_person <= o.tests_per_person for o in advice.options)
