"""The shape of a synthetic province: which schools, of what kind and size, in which county.

Pure Python and deterministic for a seed: the same seed, size and regions give the same
plan. People are generated later, school by school, from each school's own seed.
"""

import math
import random
from collections import Counter
from dataclasses import dataclass, field

from apps.demo.catalog import (
    AVERAGE_SCHOOL_SIZE,
    KIND_PRIORITY,
    KINDS,
    NAME_SUFFIX,
    ROADS,
    UNIVERSITY_FIELDS,
    UNIVERSITY_TYPES,
)
from apps.demo.names import chinese_number
from apps.orgs.models import SchoolKind

MIN_SCHOOL_SIZE = 20
# Below this many schools, sizes are flattened (square root of the typical size) so that a
# small demo province has enough people in every kind of school to look at.
FLATTEN_BELOW = 200


@dataclass(frozen=True)
class County:
    code: str
    name: str
    city_code: str  # the prefecture's code, or "" for a county directly under the province
    city_name: str
    is_district: bool  # 市辖区: urban, where universities are

    @property
    def prefix(self) -> str:
        """What school names start with: 郑州市金水区, or 济源市 for a county-level city."""
        return self.city_name + self.name if self.city_name else self.name


@dataclass
class SchoolPlan:
    index: int
    kind: str
    boarding: str
    county: County
    name: str = ""
    code: str = ""
    address: str = ""
    size: int = 0
    seed: int = 0
    hospital_key: tuple[str, int] = ("", 0)
    extra: dict = field(default_factory=dict)


def school_count(persons: int) -> int:
    return max(1, round(persons / AVERAGE_SCHOOL_SIZE), min(10, persons // 30))


def kind_counts(schools: int) -> dict[str, int]:
    """Schools per kind: the province's shares, every kind at least once when there is room."""
    if schools < len(KINDS):
        return Counter(KIND_PRIORITY[:schools])
    total_share = sum(spec.school_share for spec in KINDS.values())
    counts = {kind: 1 for kind in KINDS}
    for _ in range(schools - len(KINDS)):
        kind = max(KINDS, key=lambda k: schools * KINDS[k].school_share / total_share - counts[k])
        counts[kind] += 1
    return counts


def _pick_boarding(rng: random.Random, kind: str) -> str:
    options = KINDS[kind].boarding
    return rng.choices(list(options), weights=list(options.values()))[0]


def _county_weight(kind: str, county: County, capital_code: str) -> float:
    if kind in (SchoolKind.UNIVERSITY, SchoolKind.VOCATIONAL):
        if county.is_district:
            return 12.0 if county.city_code == capital_code else 3.0
        return 0.2 if kind == SchoolKind.UNIVERSITY else 1.0
    return 1.3 if county.is_district else 1.0


def _assign_counties(
    rng, kinds: list[str], counties: list[County], demo_county: County
) -> list[County]:
    if len(kinds) <= 30:
        # A small province: two schools in three in the demo county so its bureau, school
        # and class accounts have something to see; the rest spread over other cities first.
        others = sorted(
            (c for c in counties if c != demo_county),
            key=lambda c: (c.city_code == demo_county.city_code, c.code),
        )
        spread = _round_robin_by_city(others)
        return [
            demo_county if i % 3 != 2 else spread[(i // 3) % len(spread)] if spread else demo_county
            for i in range(len(kinds))
        ]
    capital = demo_county.city_code
    return [
        rng.choices(counties, weights=[_county_weight(k, c, capital) for c in counties])[0]
        for k in kinds
    ]


def _round_robin_by_city(counties: list[County]) -> list[County]:
    by_city: dict[str, list[County]] = {}
    for county in counties:
        by_city.setdefault(county.city_code, []).append(county)
    ordered, depth = [], 0
    while len(ordered) < len(counties):
        ordered += [group[depth] for group in by_city.values() if depth < len(group)]
        depth += 1
    return ordered


def _sizes(rng, kinds: list[str], persons: int) -> list[int]:
    exponent = 1.0 if len(kinds) >= FLATTEN_BELOW else 0.5
    weights = [KINDS[k].typical_size ** exponent * rng.uniform(0.6, 1.4) for k in kinds]
    floor = min(MIN_SCHOOL_SIZE, persons // len(kinds))
    spare = persons - floor * len(kinds)
    total = sum(weights)
    sizes = [floor + int(spare * w / total) for w in weights]
    # Hand out what rounding left over, one each, so the sizes add up to exactly `persons`.
    for i in range(persons - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes


MAX_NAME_ATTEMPTS = 50


class _Namer:
    """Real-looking, unique school names and 10-digit codes (county code + serial)."""

    def __init__(self, rng: random.Random, taken_codes: set[str], taken_names: set[str]):
        self.rng = rng
        self.taken_codes = taken_codes
        self.taken_names = taken_names
        self.ordinal: Counter = Counter()
        self.serial: Counter = Counter()

    def name(self, kind: str, county: County) -> str:
        for attempt in range(MAX_NAME_ATTEMPTS):
            candidate = self._candidate(kind, county)
            if attempt == MAX_NAME_ATTEMPTS - 1:
                # Random names can run out (a city has only so many fields times types of
                # university): number the last candidate, which is then always new.
                candidate += f"（{len(self.taken_names) + 1}）"
            if candidate not in self.taken_names:
                self.taken_names.add(candidate)
                return candidate
        raise AssertionError("unreachable")  # the numbered candidate is always new

    def _candidate(self, kind: str, county: County) -> str:
        if kind == SchoolKind.UNIVERSITY:
            city = (county.city_name or county.name).removesuffix("市")
            self.ordinal[(kind, city)] += 1
            return city + self.rng.choice(UNIVERSITY_FIELDS) + self.rng.choice(UNIVERSITY_TYPES)
        key = (kind, county.code)
        self.ordinal[key] += 1
        n = self.ordinal[key]
        if kind in (SchoolKind.VOCATIONAL, SchoolKind.SPECIAL) and n == 1:
            return county.prefix + NAME_SUFFIX[kind]
        number = chinese_number(n) if n < 100 else str(n)
        return f"{county.prefix}第{number}{NAME_SUFFIX[kind]}"

    def code(self, county: County) -> str:
        while True:
            self.serial[county.code] += 1
            candidate = f"{county.code}{self.serial[county.code]:04d}"
            if candidate not in self.taken_codes:
                self.taken_codes.add(candidate)
                return candidate


def plan_province(
    *,
    persons: int,
    seed: int,
    counties: list[County],
    demo_county: County,
    taken_codes: set[str] = frozenset(),
    taken_names: set[str] = frozenset(),
    schools: int | None = None,
) -> list[SchoolPlan]:
    """Every school of the province, ordered by county (people are numbered county by county).
    `schools` sets how many (Henan has about 51,000, many of them small); by default one per
    AVERAGE_SCHOOL_SIZE persons."""
    rng = random.Random(seed)
    counts = kind_counts(min(schools, persons) if schools else school_count(persons))
    kinds = [kind for kind in KIND_PRIORITY for _ in range(counts.get(kind, 0))]
    rng.shuffle(kinds)
    places = _assign_counties(rng, kinds, counties, demo_county)
    sizes = _sizes(rng, kinds, persons)
    namer = _Namer(rng, set(taken_codes), set(taken_names))
    plans = []
    for index, (kind, county, size) in enumerate(zip(kinds, places, sizes, strict=True)):
        plan = SchoolPlan(
            index=index,
            kind=kind,
            boarding=_pick_boarding(rng, kind),
            county=county,
            size=size,
            seed=rng.getrandbits(64),
        )
        plan.name = namer.name(kind, county)
        plan.code = namer.code(county)
        plan.address = f"{county.prefix}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
        plans.append(plan)
    _assign_hospitals(rng, plans)
    plans.sort(key=lambda p: (p.county.code, p.index))
    return plans


def _assign_hospitals(rng: random.Random, plans: list[SchoolPlan]) -> None:
    """一校一院: each school's designated hospital is one of its county's; a county has one
    hospital per 40 schools or part of it, so a hospital serves many schools."""
    per_county = Counter(p.county.code for p in plans)
    for plan in plans:
        hospitals = math.ceil(per_county[plan.county.code] / 40)
        plan.hospital_key = (plan.county.code, rng.randrange(hospitals))
