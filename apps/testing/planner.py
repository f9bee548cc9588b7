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
