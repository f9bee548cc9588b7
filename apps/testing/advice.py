"""Pool-size advice by Dorfman (1943): pure Python, no Django.

With prevalence p and pools of k swabs, each pool is tested once and, when positive (with
probability 1 - (1 - p)^k), each of its k members is tested again singly. The expected
number of tests per person is therefore

    E(k, p) = 1/k + 1 - (1 - p)^k        (k >= 2),    E(1, p) = 1.

Pooling pays while E < 1, that is while (1 - p)^k > 1/k: below the crossover prevalence
p*(k) = 1 - k^(-1/k) (about 27.5 % for k = 5, 20.6 % for 10, 13.9 % for 20). Above the
largest crossover of the allowed sizes, single tubes are best.
"""

from dataclasses import dataclass

# The pool sizes a station may open (apps.testing.models.POOL_SIZES; a test keeps them equal).
POOL_SIZES = (1, 5, 10, 20)


def expected_tests_per_person(prevalence: float, pool_size: int) -> float:
    """Dorfman's E(k, p); a single tube is one test per person whatever p is."""
    _check(prevalence, pool_size)
    if pool_size == 1:
        return 1.0
    return 1 / pool_size + 1 - (1 - prevalence) ** pool_size


def crossover_prevalence(pool_size: int) -> float:
    """The prevalence at and above which pools of this size cost at least one test per
    person (pooling no longer pays): p* = 1 - k^(-1/k)."""
    if pool_size < 2:
        raise ValueError("a single tube has no crossover")
    return 1 - pool_size ** (-1 / pool_size)


@dataclass(frozen=True)
class Option:
    pool_size: int
    tests_per_person: float
    tests_per_1000: float  # the same, for a school of 1,000: easier to read
    saving: float  # share of tests saved against single tubes (negative: pooling costs more)
    pays: bool  # fewer tests than single tubes


@dataclass(frozen=True)
class Advice:
    prevalence: float
    options: tuple[Option, ...]
    best: Option  # the fewest expected tests; the smaller pool on a tie
    pooling_pays: bool  # some allowed pool size beats single tubes
    # The prevalence above which no allowed pool beats single tubes.
    stops_paying_at: float


def advise(prevalence: float, sizes: tuple[int, ...] = POOL_SIZES) -> Advice:
    """Expected tests per person for each allowed pool size and the best of them."""
    options = tuple(_option(prevalence, k) for k in sorted(set(sizes)))
    best = min(options, key=lambda o: (round(o.tests_per_person, 12), o.pool_size))
    pooled = [k for k in sizes if k > 1]
    return Advice(
        prevalence=prevalence,
        options=options,
        best=best,
        pooling_pays=best.pool_size > 1,
        stops_paying_at=max((crossover_prevalence(k) for k in pooled), default=0.0),
    )


def _option(prevalence: float, k: int) -> Option:
    expected = expected_tests_per_person(prevalence, k)
    return Option(pool_size=k, tests_per_person=expected, tests_per_1000=expected * 1000,
                  saving=1 - expected, pays=expected < 1)


def curve(sizes: tuple[int, ...] = POOL_SIZES, *, points: int = 41,
          up_to: float = 0.4) -> dict[int, list[tuple[float, float]]]:
    """E(k, p) for p from 0 to `up_to`, for a chart of where each size pays."""
    steps = [up_to * i / (points - 1) for i in range(points)]
    return {k: [(p, expected_tests_per_person(p, k)) for p in steps] for k in sizes}


def _check(prevalence: float, pool_size: int) -> None:
    if not 0 <= prevalence <= 1:
        raise ValueError("prevalence must be between 0 and 1")
    if pool_size < 1:
        raise ValueError("pool size must be at least 1")
