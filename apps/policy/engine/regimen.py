"""Test regimens: N negative tests in a window, at least some hours apart, each due by a day.

"Two tests in three days at least 24 h apart" is Regimen(start=D, tests=2, due_offsets=(0, 2),
window_days=3, min_gap_hours=24): negative tests taken from the start of day D to the end of
day D+2 count, matched earliest first, each at least 24 h after the one before; the first is
due by the end of day D, the second by the end of day D+2. Matching earliest first finds the
most tests that fit the gap, so a further negative test never undoes a test already done.

A regimen ends in a verdict. Once its window has closed (midnight after its last day) it is
complete or incomplete; an incomplete one leaves the person a lasting mark, the status
category "regimen_incomplete" with its reason, which no rule's period ends: the caller
stores it (apps.status) and hands it back as a fact (`PersonFacts.marks`) until a test taken
after the window closed (a "late test", any result) or a recorded decision clears it.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .facts import Action, PersonFacts, Reason, Regimen, Verdict
from .registry import Candidate
from .text import en_date, end_of_day, start_of_day, zh_date


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


# ---- the verdict of a closed regimen -----------------------------------------------------

REGIMEN_NAMES = {
    "two_in_three": ("三天两检", "two tests in three days"),
    "key_population": ("重点人群检测", "key population tests"),
}


def closes_at(regimen: Regimen, tz) -> datetime:
    """When the window closes: midnight at the end of its last day."""
    return end_of_day(regimen.last_day, tz)


def late_test(facts: PersonFacts, after: datetime) -> datetime | None:
    """The first resulted test taken once the window had closed: it clears the mark."""
    return min((t.taken_at for t in facts.tests
                if t.result in ("negative", "positive") and t.taken_at >= after), default=None)


def verdict(facts: PersonFacts, regimen: Regimen) -> Verdict | None:
    """Complete or incomplete once the window has closed; None while it is open."""
    closes = closes_at(regimen, facts.now.tzinfo)
    if facts.now < closes:
        return None
    done = len(matched_tests(facts, regimen))
    if done >= regimen.tests:
        return Verdict(regimen, "complete", done)
    return Verdict(regimen, "incomplete", done, late_test(facts, closes))


def verdicts(facts: PersonFacts) -> tuple[Verdict, ...]:
    """The verdicts of the regimens closed by now: those the stored status still asked for,
    and the stored marks not decided (which a late test may clear), each once."""
    marked = {(m.regimen.name, m.regimen.start) for m in facts.marks}
    found = {}
    for regimen in facts.regimens:
        key = (regimen.name, regimen.start)
        if key not in marked and key not in found:
            decided = verdict(facts, regimen)
            if decided is not None:
                found[key] = decided
    for mark in facts.marks:
        if not mark.decided:
            closes = closes_at(mark.regimen, facts.now.tzinfo)
            found[(mark.regimen.name, mark.regimen.start)] = Verdict(
                mark.regimen, "incomplete", mark.done, late_test(facts, closes), mark.id)
    return tuple(found[k] for k in sorted(found, key=lambda k: (k[1], k[0])))


def mark_candidates(facts: PersonFacts, found: tuple[Verdict, ...]) -> list[Candidate]:
    """The lasting mark of each incomplete verdict nothing has cleared: no end date, and a
    test due since the window closed (so the person is not compliant until it is done)."""
    tz = facts.now.tzinfo
    return [_mark(v, closes_at(v.regimen, tz)) for v in found
            if v.outcome == "incomplete" and v.cleared_at is None]


def _mark(v: Verdict, closes: datetime) -> Candidate:
    r = v.regimen
    name_zh, name_en = REGIMEN_NAMES.get(r.name, (r.name, r.name.replace("_", " ")))
    action = Action(kind="test", due=closes, detail={
        "regimen": r.name, "verdict": "incomplete", "of": r.tests, "done_tests": v.done,
        "window_start": r.start.isoformat(), "window_end": r.last_day.isoformat(),
    })
    reason = Reason(
        "regimen_not_completed",
        f"检测未完成：{name_zh}（{zh_date(r.start)}至{zh_date(r.last_day)}）应检{r.tests}次，"
        f"已检{v.done}次；补检或记录处理决定后解除",
        f"Test regimen not completed: {name_en} ({en_date(r.start)} to {en_date(r.last_day)}), "
        f"{v.done} of {r.tests} tests done; a test or a recorded decision clears it",
    )
    return Candidate("regimen_incomplete", None, (action,), (reason,))
