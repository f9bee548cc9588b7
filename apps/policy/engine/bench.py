"""Single-person evaluation time, for bench/ (and a quick look from the shell):

    python -c "from apps.policy.engine.bench import time_single_evaluation as t; print(t())"
"""

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .evaluate import evaluate
from .facts import CheckIn, Exposure, PersonFacts, Policy, RiskArea, TestResult, TripLeg
from .packs import available_packs, load_pack

TZ = ZoneInfo("Asia/Shanghai")


def realistic_facts(today: date = date(2022, 3, 19), risk_areas: int = 200) -> PersonFacts:
    """A day student in Zhengzhou back from Shanghai three days ago by train, a co-resident
    back from Beijing, a declared contact, two negative tests, a week of check-ins, and the
    designations of March 2022 (a few hundred counties and compounds nationwide)."""
    now = datetime.combine(today, datetime.min.time(), tzinfo=TZ) + timedelta(hours=10)
    d = lambda n: today - timedelta(days=n)  # noqa: E731
    trips = (
        TripLeg("410105", "310115", d(9), d(9), "train", "G1814"),
        TripLeg("310115", "320102", d(6), d(6), "train", "G7001"),
        TripLeg("320102", "410105", d(3), d(3), "train", "G1816"),
        TripLeg("410105", "110105", d(8), d(8), "flight", "CA1234", "household"),
        TripLeg("110105", "410105", d(2), d(2), "flight", "CA1235", "household"),
    )
    areas = tuple(
        RiskArea(f"{110000 + (i * 7919) % 540000:06d}", ("high", "medium", "low")[i % 3],
                 d(20 - i % 15), None if i % 4 else d(1), "某小区" if i % 5 == 0 else "")
        for i in range(risk_areas)
    ) + (RiskArea("310115", "medium", d(12)),)
    return PersonFacts(
        person_id=1, school_id=1, kind="student", residence="day", home_region="410105",
        school_region="410105", today=today, now=now, trips=trips,
        exposures=(Exposure("risk_area_person", d(1), "410105"),),
        tests=(TestResult(now - timedelta(days=3), "negative"),
               TestResult(now - timedelta(days=1), "negative", pooled=True)),
        checkins=tuple(CheckIn(d(n), slot, 36.5) for n in range(7) for slot in ("morning", "noon")),
        risk_areas=areas,
        region_names={"310115": "上海市浦东新区", "110105": "北京市朝阳区"},
    )


def henan_policy() -> Policy:
    return load_pack(available_packs()["henan-2022"]).policy()


def time_single_evaluation(n: int = 10000) -> float:
    """Mean seconds per evaluate() of realistic facts under the henan-2022 pack."""
    facts, policy = realistic_facts(), henan_policy()
    evaluate(facts, policy)  # warm up
    started = time.perf_counter()
    for _ in range(n):
        evaluate(facts, policy)
    return (time.perf_counter() - started) / n
