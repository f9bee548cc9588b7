"""The rotation planner: which day of a round each member is sampled (pure Python, no Django).

Henan's rule after the first whole-school round: "at least 20% a day, so everyone is tested
every week". A round lasts `days` days; with a daily share of s percent the planner uses
floor(100 / s) of them (so each day carries at least about s percent), else all of them.

Classes are kept whole where possible, because a class walks to the station together:
classes are placed largest first, each on the day with the most room left (worst fit, which
balances the days); a class that fits on no day is split over the days with the most room.
Every split fills a day, so at most one class per day is split, and since the days' capacity
(ceil(N / active days)) exceeds N by less than the number of days, every day ends within
`active days - 1` of its capacity.
"""

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass


class PlanError(ValueError):
    """A rotation that cannot cover everyone; `reason` is a stable code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def active_days(days: int, daily_share: int | None) -> int:
    if days < 1:
        raise PlanError("days_too_few")
    if daily_share is None:
        return days
    if not 1 <= daily_share <= 100:
        raise PlanError("share_out_of_range")
    if daily_share * days < 100:
        raise PlanError("share_too_small")  # days x share must reach everyone
    return min(days, max(1, 100 // daily_share))


def plan_rotation(
    members: Iterable[tuple[Hashable, Hashable | None]], *, days: int, daily_share: int | None
) -> dict[Hashable, int]:
    """{person: day index (0-based)} for (person, class) pairs. People without a class are
    placed one by one after the classes, filling the days that have room."""
    active = active_days(days, daily_share)
    groups: dict[Hashable, list] = defaultdict(list)
    loose: list = []
    for person, klass in members:
        (groups[klass] if klass is not None else loose).append(person)
    total = sum(len(g) for g in groups.values()) + len(loose)
    capacity = math.ceil(total / active) if total else 0
    room = [capacity] * active
    plan: dict[Hashable, int] = {}
    # Largest first; ties by key so the plan is the same for the same input.
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), str(item[0])))
    for _klass, people in [*ordered, *((None, [p]) for p in loose)]:
        _place(sorted(people, key=str), room, plan)
    return plan


def _place(people: list, room: list[int], plan: dict) -> None:
    roomiest = max(range(len(room)), key=lambda d: (room[d], -d))
    if room[roomiest] >= len(people):
        _assign(people, roomiest, room, plan)
        return
    rest = people
    for day in sorted(range(len(room)), key=lambda d: (-room[d], d)):
        if not rest:
            break
        piece, rest = rest[: room[day]], rest[room[day]:]
        _assign(piece, day, room, plan)


def _assign(people: list, day: int, room: list[int], plan: dict) -> None:
    for person in people:
        plan[person] = day
    room[day] -= len(people)


# ---- the testing cycle a pack asks for --------------------------------------------------

WHOLE_SCHOOL = "whole_school"
DAILY_SHARE = "daily_share"


@dataclass(frozen=True)
class Cycle:
    """The whole school within N days, then at least P % a day" (henan-2022's
    whole_school_testing_days and daily_testing_percent).

    One cycle is the whole-school round (N days) and then the daily rounds that test everyone
    once more (ceil(100 / P) days): 2 + 5 = 7 days for Henan, whose directive adds "everyone
    every week". A school with no whole-school round begun within the last cycle starts a
    new one; after that round's last day it gets one round of P % a day until the cycle ends.
    The set-based service (apps.testing.services.cycle) writes this rule in SQL; the tests
    hold the two together."""

    whole_days: int
    daily_percent: int

    def __post_init__(self):
        if self.whole_days < 1:
            raise PlanError("days_too_few")
        if not 1 <= self.daily_percent <= 100:
            raise PlanError("share_out_of_range")

    @property
    def rotation_days(self) -> int:
        """Days of P % that test everyone once: ceil(100 / P)."""
        return -(-100 // self.daily_percent)

    @property
    def length(self) -> int:
        return self.whole_days + self.rotation_days

    def daily_count(self, headcount: int) -> int:
        """People in a day's round: at least P % of the headcount, so rounded up (20 % of 11
        is 3, not 2); none of none."""
        return -(-max(headcount, 0) * self.daily_percent // 100)

    def step(self, today, last_whole: tuple | None) -> str | None:
        """What the school needs today: WHOLE_SCHOOL, DAILY_SHARE or None (its whole-school
        round is still running). `last_whole`: (first day, days) of the latest whole-school
        round, or None."""
        if last_whole is None or (today - last_whole[0]).days >= self.length:
            return WHOLE_SCHOOL
        first, days = last_whole
        return DAILY_SHARE if (today - first).days >= days else None


def cycle_of(params: dict) -> Cycle | None:
    """The cycle a school's effective parameters ask for; None unless both are set (routine
    has neither)."""
    days, share = params.get("whole_school_testing_days"), params.get("daily_testing_percent")
    if not days or not share:
        return None
    return Cycle(int(days), int(share))
