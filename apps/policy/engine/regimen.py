"""Test regimens: N negative tests in a window, at least some hours apart, each due by a day.

"Two tests in three days at least 24 h apart" is Regimen(start=D, tests=2, due_offsets=(0, 2),
window_days=3, min_gap_hours=24): negative tests taken from the start of day D to the end of
day D+2 count, matched earliest first, each at least 24 h after the one before; the first is
due by the end of day D, the second by the end of day D+2. Matching earliest first finds the
most tests that fit the gap, so a further negative test never undoes a test already done.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .facts import Action, PersonFacts
from .text import en_date, end_of_day, start_of_day, zh_date


@dataclass(frozen=True)
class Regimen:
    name: str  # key_population | two_in_three
    start: date
    tests: int
    due_offsets: tuple[int, ...]  # days after start by whose end each test is due
    window_days: int  # tests count from the start of `start` to the end of start + window - 1
    min_gap_hours: float = 0

    @property
    def last_day(self) -> date:
        return self.start + timedelta(days=self.window_days - 1)


@dataclass(frozen=True)
class Progress:
    actions: tuple[Action, ...]
    done: int
    next_due: date | None  # the day by whose end the next test is due
    overdue: bool


def spread_offsets(tests: int, window_days: int) -> tuple[int, ...]:
    """Due days spread evenly over the window: the first on day 0, the last on its last day."""
    if tests <= 1:
        return (0,) * tests
    last = max(window_days - 1, 0)
    return tuple(round(i * last / (tests - 1)) for i in range(tests))


def interval_offsets(tests: int, interval_days: int, last_day: int) -> tuple[int, ...]:
    """Due days every `interval_days` from day 0, none later than `last_day`."""
    return tuple(min(i * interval_days, last_day) for i in range(tests))


def matched_tests(facts: PersonFacts, regimen: Regimen) -> list[datetime]:
    tz = facts.now.tzinfo
    opens, closes = start_of_day(regimen.start, tz), end_of_day(regimen.last_day, tz)
    gap = timedelta(hours=regimen.min_gap_hours)
    taken = sorted(
        t.taken_at for t in facts.tests
        if t.result == "negative" and opens <= t.taken_at < closes
    )
    matched: list[datetime] = []
    for at in taken:
        if len(matched) == regimen.tests:
            break
        if not matched or at - matched[-1] >= gap:
            matched.append(at)
    return matched


def progress(facts: PersonFacts, regimen: Regimen) -> Progress:
    tz = facts.now.tzinfo
    matched = matched_tests(facts, regimen)
    actions = []
    for index, offset in enumerate(regimen.due_offsets, start=1):
        done_at = matched[index - 1] if index <= len(matched) else None
        actions.append(Action(
            kind="test",
            due=end_of_day(regimen.start + timedelta(days=offset), tz),
            done=done_at is not None,
            detail={
                "regimen": regimen.name,
                "index": index,
                "of": regimen.tests,
                "min_gap_hours": regimen.min_gap_hours,
                "window_start": regimen.start.isoformat(),
                "window_end": regimen.last_day.isoformat(),
                "taken_at": done_at.isoformat() if done_at else None,
            },
        ))
    pending = [a for a in actions if not a.done]
    next_due = pending[0].due.date() - timedelta(days=1) if pending else None
    overdue = bool(pending) and pending[0].due < facts.now
    return Progress(tuple(actions), len(matched), next_due, overdue)


def progress_text(p: Progress, tests: int) -> tuple[str, str]:
    """("3次检测已完成2次；下次检测3月20日前", "2 of 3 tests done; next test by 20 March")."""
    if p.next_due is None:
        return f"{tests}次检测已全部完成", f"all {tests} tests done"
    zh, en = f"{tests}次检测已完成{p.done}次", f"{p.done} of {tests} tests done"
    if p.overdue:
        return (f"{zh}；下次检测已逾期（应于{zh_date(p.next_due)}前）",
                f"{en}; next test overdue (due by {en_date(p.next_due)})")
    return f"{zh}；下次检测{zh_date(p.next_due)}前", f"{en}; next test by {en_date(p.next_due)}"
