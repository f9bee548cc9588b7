"""Every person rule of both packs, as a table: facts -> category, until, actions, reasons."""

import pytest

from apps.policy.engine.evaluate import evaluate
from apps.policy.engine.facts import CheckIn, Exposure, RiskArea, TripLeg
from apps.policy.engine.facts import TestResult as LabResult

from .helpers import BEIJING, LUOYANG, SHANGHAI, ZHENGZHOU, at, day, facts, policy


def leg(frm, to, depart, arrive=None, **fields) -> TripLeg:
    return TripLeg(frm, to, day(depart), day(arrive or depart), **fields)


def neg(when: str, hour: float = 10, **fields) -> LabResult:
    return LabResult(at(when, hour), "negative", **fields)


def pos(when: str, hour: float = 10, **fields) -> LabResult:
    return LabResult(at(when, hour), "positive", **fields)


def area(level: str, start: str = "3-01", end: str | None = None, region=LUOYANG, sub=""):
    return RiskArea(region, level, day(start), day(end) if end else None, sub)


BACK = leg(SHANGHAI, ZHENGZHOU, "3-16")
# Within the province, so that only the risk-area rule speaks.
LUOYANG_TRIP = (leg(ZHENGZHOU, LUOYANG, "3-10"), leg(LUOYANG, ZHENGZHOU, "3-14"))

ROWS = [
    # (id, pack, facts, category, until, action kinds, reason substrings, compliant)
    ("nothing", "henan-2022", {}, "normal", None, set(), [], True),
    # back from another province: key population, 7 days, 3 tests
    ("returned", "henan-2022", {"trips": (BACK,), "tests": (neg("3-16", 18), neg("3-18", 9))},
     "key_population", "3-23", {"test", "monitor"},
     ["重点人群：3月16日自上海返回；3次检测已完成2次；下次检测3月20日前",
      "健康监测至3月23日"], True),
    ("returned, English", "henan-2022",
     {"trips": (BACK,), "tests": (neg("3-16", 18), neg("3-18", 9)),
      "region_names": {SHANGHAI: "Shanghai"}},
     "key_population", "3-23", {"test", "monitor"},
     ["Key population: returned from Shanghai on 16 March; 2 of 3 tests done; next test by "
      "20 March"], True),
    ("returned, no tests", "henan-2022", {"trips": (BACK,)}, "key_population", "3-23",
     {"test", "monitor"}, ["3次检测已完成0次；下次检测已逾期（应于3月16日前）"], False),
    ("returned, tests too close", "henan-2022",
     {"trips": (BACK,), "tests": (neg("3-16", 9), neg("3-16", 21))}, "key_population", "3-23",
     {"test", "monitor"}, ["3次检测已完成1次"], False),
    ("returned, all done", "henan-2022",
     {"today": "3-21", "trips": (BACK,),
      "tests": (neg("3-16"), neg("3-18"), neg("3-20"))},
     "key_population", "3-23", {"test", "monitor"}, ["3次检测已全部完成"], True),
    ("back from within the province", "henan-2022", {"trips": (leg(LUOYANG, ZHENGZHOU, "3-16"),)},
     "normal", None, set(), [], True),
    # co-residents of day students
    ("co-resident back, day student", "henan-2022",
     {"residence": "day", "trips": (leg(BEIJING, ZHENGZHOU, "3-17", traveller="household"),)},
     "key_population", "3-24", {"monitor"}, ["重点人群：共同居住人员3月17日自北京返回"], True),
    ("co-resident back, boarder", "henan-2022",
     {"trips": (leg(BEIJING, ZHENGZHOU, "3-17", traveller="household"),)},
     "normal", None, set(), [], True),
    # staff back from another city
    ("staff back from another city", "henan-2022",
     {"kind": "staff", "trips": (leg(LUOYANG, ZHENGZHOU, "3-18"),)},
     "normal", "3-25", {"no_gathering", "monitor"},
     ["外地市返回：3月18日自洛阳返回；3月25日前不聚餐、不聚会",
      "no dinners or gatherings until 25 March"], True),
    ("staff back from another province", "henan-2022",
     {"kind": "staff", "trips": (BACK,), "tests": (neg("3-16"), neg("3-18"))},
     "key_population", "3-23", {"test", "monitor", "no_gathering"},
     ["重点人群", "外地市返回"], True),
    ("student back from another city", "henan-2022", {"trips": (leg(LUOYANG, ZHENGZHOU, "3-18"),)},
     "normal", None, set(), [], True),
    # contact with a person from a medium/high-risk area: two tests in three days
    ("risk-area contact, no tests", "henan-2022",
     {"exposures": (Exposure("risk_area_person", day("3-18")),)},
     "key_population", "3-20", {"test"},
     ["接触中高风险地区人员：3月18日", "2次检测已完成0次；下次检测已逾期（应于3月18日前）"], False),
    ("risk-area contact, both tests", "henan-2022",
     {"today": "3-20", "exposures": (Exposure("risk_area_person", day("3-18"), SHANGHAI),),
      "tests": (neg("3-18", 8), neg("3-19", 8))},
     "key_population", "3-20", {"test"}, ["3月18日在上海", "2次检测已全部完成"], True),
    # a stay in a risk area in the last 7 days
    ("high-risk stay", "henan-2022", {"trips": LUOYANG_TRIP, "risk_areas": (area("high"),)},
     "central_quarantine", "3-21", {"quarantine"},
     ["高风险地区旅居：3月10日至3月14日在洛阳（高风险）；集中隔离至3月21日"], True),
    ("medium-risk stay", "henan-2022", {"trips": LUOYANG_TRIP, "risk_areas": (area("medium"),)},
     "home_quarantine", "3-21", {"quarantine"}, ["居家隔离至3月21日"], True),
    ("low-risk stay", "henan-2022",
     {"today": "3-15", "trips": LUOYANG_TRIP, "risk_areas": (area("low"),)},
     "key_population", "3-16", {"test"}, ["低风险地区旅居", "三天两检"], False),
    ("compound designated: low", "henan-2022",
     {"today": "3-15", "trips": LUOYANG_TRIP, "risk_areas": (area("high", sub="某小区"),)},
     "key_population", "3-16", {"test"}, ["所在地区有高风险区，按低风险管理"], False),
    ("whole prefecture designated", "henan-2022",
     {"trips": LUOYANG_TRIP, "risk_areas": (area("high", region="410300"),)},
     "central_quarantine", "3-21", {"quarantine"}, ["集中隔离"], True),
    ("designated after the stay", "henan-2022",
     {"trips": LUOYANG_TRIP, "risk_areas": (area("high", start="3-15"),)},
     "normal", None, set(), [], True),
    ("lifted before the stay", "henan-2022",
     {"trips": LUOYANG_TRIP, "risk_areas": (area("high", start="3-01", end="3-09"),)},
     "normal", None, set(), [], True),
    ("another county designated", "henan-2022",
     {"trips": LUOYANG_TRIP, "risk_areas": (area("high", region="410305"),)},
     "normal", None, set(), [], True),
    # contact with a case or a close contact
    ("close contact", "henan-2022", {"exposures": (Exposure("case", day("3-15")),)},
     "central_quarantine", "3-25", {"quarantine", "monitor"},
     ["密切接触者：3月15日接触病例；集中隔离医学观察至3月22日，之后居家健康监测至3月25日"], True),
    ("close contact after quarantine", "henan-2022",
     {"exposures": (Exposure("case", day("3-10")),)},
     "home_monitoring", "3-20", {"monitor"}, ["密切接触者"], True),
    ("contact of a close contact", "henan-2022",
     {"exposures": (Exposure("close_contact", day("3-15")),)},
     "home_quarantine", "3-22", {"quarantine"}, ["密接的密接：3月15日接触密切接触者"], True),
    # positive tests and isolation
    ("positive", "henan-2022", {"tests": (pos("3-18"),)}, "isolation", "4-01",
     {"isolate", "monitor"}, ["检测阳性：3月18日核酸检测阳性；隔离至3月25日"], True),
    ("positive pool", "henan-2022", {"tests": (pos("3-18", 9, pooled=True),)}, "isolation",
     "4-01", {"isolate", "monitor", "test"}, ["混采阳性", "待单管复核"], True),
    ("positive pool, negative recheck", "henan-2022",
     {"tests": (pos("3-18", 9, pooled=True), neg("3-18", 20))},
     "normal", None, set(), [], True),
    ("isolation record", "henan-2022", {"isolated_until": day("3-20")}, "isolation", "3-27",
     {"isolate", "monitor"}, ["隔离中：隔离至3月20日"], True),
    ("isolation ended", "henan-2022", {"isolated_until": day("3-17")}, "cleared", "3-24",
     {"monitor"}, ["已解除隔离：3月17日解除；健康监测至3月24日"], True),
    ("isolation ended long ago", "henan-2022", {"isolated_until": day("3-10")},
     "normal", None, set(), [], True),
    ("record covers the positive", "henan-2022",
     {"tests": (pos("3-10"),), "isolated_until": day("3-16")}, "cleared", "3-23", {"monitor"},
     ["已解除隔离"], True),
    # fever or symptoms at a check
    ("fever and cough", "henan-2022",
     {"checkins": (CheckIn(day("3-18"), "morning", 38.2, ("cough",)),)},
     "home_monitoring", "3-20", {"monitor"},
     ["居家观察：3月18日晨检体温38.2℃、咳嗽（流感样病例）；体温正常、症状消失48小时后返校（最早3月21日）"],
     True),
    ("normal temperature", "henan-2022",
     {"checkins": (CheckIn(day("3-18"), "morning", 36.6),)}, "normal", None, set(), [], True),
    # closed loop and approvals
    ("closed loop, boarder", "henan-2022", {"school_mode": "closed_loop"}, "normal", None,
     {"no_leave"}, ["闭环管理", "寄宿生不得离校"], True),
    ("closed loop, day student", "henan-2022", {"school_mode": "closed_loop", "residence": "day"},
     "normal", None, set(), [], True),
    ("closed loop, staff living on campus", "henan-2022",
     {"school_mode": "closed_loop", "residence": "day", "kind": "staff",
      "lives_on_campus": True}, "normal", None, {"no_leave"}, ["闭环管理", "住校教职工不得离校"],
     True),
    ("closed loop, staff living off campus", "henan-2022",
     {"school_mode": "closed_loop", "residence": "day", "kind": "staff"}, "normal", None,
     set(), [], True),
    ("on campus, school not closed loop", "henan-2022",
     {"residence": "day", "kind": "staff", "lives_on_campus": True}, "normal", None, set(), [],
     True),
    ("cross-province trip planned", "henan-2022",
     {"planned_trips": (leg(ZHENGZHOU, BEIJING, "3-25"),)}, "normal", None, {"approval"},
     ["跨省出行须报批：3月25日前往北京（待审批）"], True),
    ("cross-province trip today, not approved", "henan-2022",
     {"planned_trips": (leg(ZHENGZHOU, BEIJING, "3-19"),)}, "normal", None, {"approval"},
     ["待审批"], False),
    ("cross-province trip approved", "henan-2022",
     {"planned_trips": (leg(ZHENGZHOU, BEIJING, "3-19", approved=True),)}, "normal", None,
     {"approval"}, ["已批准"], True),
    ("trip within the province", "henan-2022",
     {"planned_trips": (leg(ZHENGZHOU, LUOYANG, "3-25"),)}, "normal", None, set(), [], True),
    # the most restrictive wins, and lasts as long as the longest
    ("returned and close contact", "henan-2022",
     {"trips": (BACK,), "exposures": (Exposure("case", day("3-15")),),
      "tests": (neg("3-16"), neg("3-18"))},
     "central_quarantine", "3-25", {"quarantine", "monitor", "test"}, ["密切接触者", "重点人群"],
     True),
    # routine: no travel or contact rules; isolation, positives and symptoms only
    ("routine: returned", "routine", {"trips": (BACK,)}, "normal", None, set(), [], True),
    ("routine: risk-area stay", "routine", {"trips": LUOYANG_TRIP, "risk_areas": (area("high"),)},
     "normal", None, set(), [], True),
    ("routine: contact", "routine", {"exposures": (Exposure("case", day("3-15")),)},
     "normal", None, set(), [], True),
    ("routine: closed loop", "routine", {"school_mode": "closed_loop"}, "normal", None, set(),
     [], True),
    ("routine: positive", "routine", {"tests": (pos("3-18"),)}, "isolation", "4-01",
     {"isolate", "monitor"}, ["检测阳性"], True),
    ("routine: isolation ended", "routine", {"isolated_until": day("3-17")}, "cleared", "3-24",
     {"monitor"}, ["已解除隔离"], True),
    ("routine: influenza-like illness", "routine",
     {"checkins": (CheckIn(day("3-18"), "noon", 38.4, ("sore_throat",)),)},
     "home_monitoring", "3-20", {"monitor"},
     ["3月18日午检体温38.4℃、咽痛（流感样病例）", "(influenza-like illness)"], True),
    ("routine: fever, not influenza-like", "routine",
     {"checkins": (CheckIn(day("3-18"), "morning", 37.5),)}, "home_monitoring", "3-20",
     {"monitor"}, ["体温37.5℃；"], True),
    ("routine: rash", "routine", {"checkins": (CheckIn(day("3-19"), "morning", None, ("rash",)),)},
     "home_monitoring", "3-21", {"monitor"}, ["皮疹"], True),
    ("routine: no fever", "routine", {"checkins": (CheckIn(day("3-18"), "morning", 37.2),)},
     "normal", None, set(), [], True),
]


@pytest.mark.parametrize(
    ("pack_id", "given", "category", "until", "kinds", "says", "compliant"),
    [pytest.param(*row[1:], id=row[0]) for row in ROWS],
)
def test_it_applies_each_rule(pack_id, given, category, until, kinds, says, compliant):
    status = evaluate(facts(**given), policy(pack_id))
    assert status.category == category
    assert status.until == (day(until) if until else None)
    assert {a.kind for a in status.actions} == kinds
    text = "\n".join(f"{r.zh}\n{r.en}" for r in status.reasons)
    for part in says:
        assert part in text
    assert status.compliant is compliant
    assert bool(status.reasons) == (bool(kinds) or category != "normal")
    assert all(r.zh and r.en for r in status.reasons)


def test_it_spaces_the_key_population_tests_by_the_pack():
    status = evaluate(facts(trips=(BACK,)), policy())
    dues = [a.due for a in status.actions if a.kind == "test"]
    assert dues == [at("3-17", 0), at("3-19", 0), at("3-21", 0)]
    assert all(a.detail["priority_sampling"] for a in status.actions if a.kind == "monitor")


def test_it_orders_reasons_most_restrictive_first():
    status = evaluate(facts(trips=(BACK,), exposures=(Exposure("case", day("3-15")),)), policy())
    assert [r.rule for r in status.reasons] == ["case_contact", "returned_from_other_province"]


def test_it_runs_the_rules_whose_parameters_a_handmade_policy_has():
    from dataclasses import replace

    handmade = replace(policy(), rules=())
    assert evaluate(facts(trips=(BACK,)), handmade).category == "key_population"
    routine_like = replace(policy("routine"), rules=())
    assert evaluate(facts(trips=(BACK,)), routine_like).category == "normal"
