"""Rules about declared contact (报备): with a case, a close contact, or a person from a
medium/high-risk area."""

from datetime import timedelta

from ..facts import Action, Exposure, PersonFacts, Reason
from ..regimen import progress, progress_text
from ..registry import Candidate, Params, rule
from ..text import en_date, zh_date
from .travel import two_in_three


def _latest(facts: PersonFacts, kind: str) -> Exposure | None:
    found = [e for e in facts.exposures if e.kind == kind and e.on <= facts.today]
    return max(found, key=lambda e: (e.on, e.region, e.detail), default=None)


def _where(facts: PersonFacts, exposure: Exposure) -> tuple[str, str]:
    if not exposure.region:
        return "", ""
    place = facts.region_name(exposure.region)
    return f"在{place}", f" in {place}"


@rule(
    "risk_area_person_contact",
    "two_in_three_tests",
    "two_in_three_window_days",
    "two_in_three_min_gap_hours",
)
def risk_area_person_contact(facts: PersonFacts, p: Params):
    exposure = _latest(facts, "risk_area_person")
    if exposure is None:
        return ()
    regimen = two_in_three(exposure.on, p)
    if facts.today > regimen.last_day:
        return ()
    done = progress(facts, regimen)
    tests_zh, tests_en = progress_text(done, regimen.tests)
    where_zh, where_en = _where(facts, exposure)
    reason = Reason(
        "risk_area_person_contact",
        f"接触中高风险地区人员：{zh_date(exposure.on)}{where_zh}；三天两检：{tests_zh}",
        f"Contact with a person from a medium/high-risk area on {en_date(exposure.on)}"
        f"{where_en}; two tests in three days: {tests_en}",
    )
    return (Candidate("key_population", regimen.last_day, done.actions, (reason,)),)


@rule(
    "case_contact",
    "case_contact_central_quarantine_days",
    "case_contact_home_monitoring_days",
    "secondary_contact_home_quarantine_days",
)
def case_contact(facts: PersonFacts, p: Params):
    result = []
    close = _latest(facts, "case")
    if close is not None:
        result.extend(_close_contact(facts, p, close))
    secondary = _latest(facts, "close_contact")
    if secondary is not None:
        until = secondary.on + timedelta(days=p["secondary_contact_home_quarantine_days"])
        if facts.today <= until:
            result.append(Candidate(
                "home_quarantine", until,
                (Action(kind="quarantine", until=until, detail={"where": "home"}),),
                (Reason("case_contact",
                        f"密接的密接：{zh_date(secondary.on)}接触密切接触者；"
                        f"居家隔离医学观察至{zh_date(until)}",
                        f"Contact of a close contact on {en_date(secondary.on)}; "
                        f"home quarantine until {en_date(until)}"),),
            ))
    return result


def _close_contact(facts: PersonFacts, p: Params, exposure: Exposure):
    """Central quarantine, then home health monitoring: the category is the phase of today,
    and the status lasts to the end of both."""
    quarantine_ends = exposure.on + timedelta(days=p["case_contact_central_quarantine_days"])
    monitoring_ends = quarantine_ends + timedelta(days=p["case_contact_home_monitoring_days"])
    if facts.today > monitoring_ends:
        return ()
    monitor = Action(kind="monitor", until=monitoring_ends,
                     detail={"where": "home", "after": "central_quarantine"})
    if facts.today <= quarantine_ends:
        category = "central_quarantine"
        actions = (Action(kind="quarantine", until=quarantine_ends, detail={"where": "central"}),
                   monitor)
    else:
        category, actions = "home_monitoring", (monitor,)
    reason = Reason(
        "case_contact",
        f"密切接触者：{zh_date(exposure.on)}接触病例；集中隔离医学观察至{zh_date(quarantine_ends)}，"
        f"之后居家健康监测至{zh_date(monitoring_ends)}",
        f"Close contact of a case on {en_date(exposure.on)}; central quarantine until "
        f"{en_date(quarantine_ends)}, then home health monitoring until {en_date(monitoring_ends)}",
    )
    return (Candidate(category, monitoring_ends, actions, (reason,)),)
