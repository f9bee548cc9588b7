"""Rules about a person's own health: positive tests, isolation, fever and symptoms."""

from datetime import date, timedelta
from math import ceil

from ..facts import Action, PersonFacts, Reason, TestResult
from ..registry import Candidate, Params, rule
from ..text import SLOTS_ZH, en_date, symptoms_en, symptoms_zh, zh_date

METHOD_ZH = {"pcr": "核酸", "antigen": "抗原"}
ILI_SYMPTOMS = frozenset({"cough", "sore_throat"})


def governing_positive(facts: PersonFacts) -> TestResult | None:
    """The latest positive that still counts: a positive pool is undone by a later negative
    single-tube recheck."""
    # Newest first; at the same instant a single tube before a pool (a fixed order).
    for test in sorted(facts.tests, key=lambda t: (t.taken_at, not t.pooled, t.method),
                       reverse=True):
        if test.result != "positive" or test.taken_at.date() > facts.today:
            continue
        if test.pooled and any(
            t.result == "negative" and not t.pooled and t.taken_at > test.taken_at
            for t in facts.tests
        ):
            continue
        return test
    return None


def isolation_end(facts: PersonFacts, p: Params) -> tuple[date, str, TestResult | None] | None:
    """The last day of isolation and what sets it: the isolation record when it covers the
    latest positive, else the positive test plus the pack's isolation days."""
    positive = governing_positive(facts)
    record = facts.isolated_until
    if record is not None and (positive is None or record >= positive.taken_at.date()):
        return record, "record", positive
    if positive is not None and "isolation_days" in p:
        return positive.taken_at.date() + timedelta(days=p["isolation_days"]), "positive", positive
    return None


def _isolation(facts: PersonFacts, p: Params, source: str):
    found = isolation_end(facts, p)
    if found is None or found[1] != source or facts.today > found[0]:
        return None
    end, _, positive = found
    after = end + timedelta(days=p["post_isolation_monitoring_days"])
    actions = [
        Action(kind="isolate", until=end),
        Action(kind="monitor", until=after, detail={"after": "isolation"}),
    ]
    if source == "positive" and positive.pooled:
        actions.append(Action(kind="test", detail={"regimen": "single_tube_recheck"}))
    return end, after, positive, tuple(actions)


@rule("positive_test", "isolation_days", "post_isolation_monitoring_days")
def positive_test(facts: PersonFacts, p: Params):
    found = _isolation(facts, p, "positive")
    if found is None:
        return ()
    end, after, positive, actions = found
    day, method = positive.taken_at.date(), METHOD_ZH.get(positive.method, positive.method)
    if positive.pooled:
        zh = f"混采阳性：{zh_date(day)}所在混采管{method}检测阳性，待单管复核；隔离至{zh_date(end)}"
        en = (f"Positive pool: the pool tested on {en_date(day)} was positive, single-tube "
              f"recheck pending; isolation until {en_date(end)}")
    else:
        zh = f"检测阳性：{zh_date(day)}{method}检测阳性；隔离至{zh_date(end)}"
        en = f"Positive test: {positive.method} test positive on {en_date(day)}; " \
             f"isolation until {en_date(end)}"
    return (Candidate("isolation", end, actions, (Reason("positive_test", zh, en),)),)


@rule("isolation", "post_isolation_monitoring_days")
def isolation(facts: PersonFacts, p: Params):
    found = _isolation(facts, p, "record")
    if found is None:
        return ()
    end, after, _, actions = found
    reason = Reason(
        "isolation",
        f"隔离中：隔离至{zh_date(end)}；之后健康监测至{zh_date(after)}",
        f"In isolation until {en_date(end)}; then health monitoring until {en_date(after)}",
    )
    return (Candidate("isolation", end, actions, (reason,)),)


@rule("isolation_ended", "isolation_days", "post_isolation_monitoring_days")
def isolation_ended(facts: PersonFacts, p: Params):
    found = isolation_end(facts, p)
    if found is None:
        return ()
    end = found[0]
    after = end + timedelta(days=p["post_isolation_monitoring_days"])
    if not end < facts.today <= after:
        return ()
    reason = Reason(
        "isolation_ended",
        f"已解除隔离：{zh_date(end)}解除；健康监测至{zh_date(after)}",
        f"Cleared: isolation ended on {en_date(end)}; health monitoring until {en_date(after)}",
    )
    action = Action(kind="monitor", until=after, detail={"after": "isolation"})
    return (Candidate("cleared", after, (action,), (reason,)),)


@rule("fever_checkin", "fever_threshold_celsius", "return_after_hours_without_fever")
def fever_checkin(facts: PersonFacts, p: Params):
    threshold = p["fever_threshold_celsius"]
    unwell = [
        c for c in facts.checkins
        if c.day <= facts.today
        and (c.symptoms or (c.temperature is not None and c.temperature >= threshold))
    ]
    if not unwell:
        return ()
    last = max(unwell, key=lambda c: (c.day, c.temperature or 0, c.slot, c.symptoms))
    hours = p["return_after_hours_without_fever"]
    until = last.day + timedelta(days=ceil(hours / 24))
    if facts.today > until:
        return ()
    zh, en = _checkin_text(last, p)
    back = until + timedelta(days=1)
    reason = Reason(
        "fever_checkin",
        f"居家观察：{zh}；体温正常、症状消失{hours}小时后返校（最早{zh_date(back)}）",
        f"Home monitoring: {en}; return after {hours} hours without fever or symptoms "
        f"({en_date(back)} at the earliest)",
    )
    action = Action(kind="monitor", until=until,
                    detail={"where": "home", "return_after_hours_without_fever": hours})
    return (Candidate("home_monitoring", until, (action,), (reason,)),)


def _checkin_text(checkin, p: Params) -> tuple[str, str]:
    found_zh, found_en = [], []
    if checkin.temperature is not None and checkin.temperature >= p["fever_threshold_celsius"]:
        found_zh.append(f"体温{checkin.temperature:.1f}℃")
        found_en.append(f"{checkin.temperature:.1f} °C")
    if checkin.symptoms:
        found_zh.append(symptoms_zh(checkin.symptoms))
        found_en.append(symptoms_en(checkin.symptoms))
    slot_zh = SLOTS_ZH.get(checkin.slot, checkin.slot)
    zh = f"{zh_date(checkin.day)}{slot_zh}{'、'.join(found_zh)}"
    en = f"{', '.join(found_en)} at the {checkin.slot} check on {en_date(checkin.day)}"
    ili = p.get("ili_fever_celsius")
    if (ili is not None and checkin.temperature is not None and checkin.temperature >= ili
            and ILI_SYMPTOMS & set(checkin.symptoms)):
        zh += "（流感样病例）"
        en += " (influenza-like illness)"
    return zh, en
