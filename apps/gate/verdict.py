"""The gate verdict: facts in, pass | stop | refer out, with the reasons. Pure Python, no
Django (like apps/policy/engine), so a terminal's snapshot, the kiosk and the server decide
with the same rules, and the rules are tested without a database.

The same rules for everyone, students, staff and visitors (进校健康监测, 全员要求一致): a
visitor's health declaration stands for the day's check-in, and a closed-loop school takes
no visitors; staff living on campus in closed loop stay in, as boarders do. Each rule looks
at one fact and gives a verdict and a reason; the verdict is the most severe of them. Every
rule only grows more severe as its fact grows riskier, so adding a risk fact never turns a
stop into a pass (tested with hypothesis).
"""

from dataclasses import dataclass, field

PASS, REFER, STOP = "pass", "refer", "stop"
SEVERITY = {PASS: 0, REFER: 1, STOP: 2}
IN, OUT = "in", "out"

# Stored status categories (apps.status.models.Category) by what they mean at the gate.
STAY_AWAY = ("home_monitoring", "home_quarantine", "central_quarantine", "isolation")
WATCHED = ("key_population",)
CATEGORIES = ("normal", "cleared", "regimen_incomplete", *WATCHED, *STAY_AWAY)

STUDENT, STAFF, VISITOR = "student", "staff", "visitor"

# School modes (apps.emergency.models.Mode).
NORMAL, EMERGENCY, CLOSED_LOOP, ONLINE = "normal", "emergency", "closed_loop", "online"

# Each reason: the verdict it gives, its Chinese and English text. The codes are stable:
# they are stored on every check, sent to terminals and counted on the reports.
REASONS: dict[str, tuple[str, str, str]] = {
    "ok": (PASS, "状态正常，体温正常", "Status normal, temperature normal"),
    "fever": (STOP, "体温异常（发热）", "Fever"),
    "fever_leaving": (REFER, "体温异常，请到卫生室复测后离校",
                      "Fever: recheck at the health room before leaving"),
    "no_temperature": (REFER, "未测体温", "No temperature taken"),
    "status_stay_away": (STOP, "健康状态要求居家或隔离，不得入校",
                         "Status requires home monitoring, quarantine or isolation"),
    "status_on_campus": (REFER, "健康状态要求居家或隔离，但人在校内：请联系防疫办",
                         "Status requires staying away but the person is on campus: "
                         "call the epidemic office"),
    "key_population": (PASS, "重点人群：已按要求检测和监测",
                       "Key population, monitored as required"),
    "key_population_emergency": (REFER, "应急状态下的重点人群：请防疫办核验",
                                 "Key population in emergency mode: the epidemic office checks"),
    "actions_overdue": (REFER, "有逾期未完成的检测或报告", "A test or report is overdue"),
    "status_outdated": (REFER, "健康状态待更新，请人工核验",
                        "Status due for recomputation: check by hand"),
    "checkin_abnormal": (STOP, "今日晨午检异常", "Today's health check was abnormal"),
    "checkin_abnormal_leaving": (REFER, "今日晨午检异常，请到卫生室",
                                 "Today's health check was abnormal: go to the health room"),
    "no_checkin": (REFER, "今日未完成健康打卡", "No health check-in today"),
    "no_checkin_emergency": (STOP, "应急状态下今日未完成健康打卡",
                             "No health check-in today, in emergency mode"),
    "closed_loop_boarder": (STOP, "闭环管理：寄宿生及住校教职工不得离校",
                            "Closed-loop management: boarders and staff living on campus "
                            "may not leave"),
    "closed_loop_visitor": (STOP, "闭环管理：谢绝访客入校",
                            "Closed-loop management: no visitors"),
    "risk_area_travel": (STOP, "近期到过中高风险地区，不得入校",
                         "Recently in a medium- or high-risk area: may not enter"),
    "visitor_no_declaration": (STOP, "访客未填写健康申报",
                               "The visitor has not made the health declaration"),
    "visitor_symptoms": (STOP, "访客申报有发热或其他症状",
                         "The visitor declared a fever or other symptoms"),
    "visitor_not_approved": (STOP, "访客登记未获批准", "The visit is not approved"),
    "visitor_outside_window": (STOP, "不在预约的来访时段内",
                               "Outside the visit's booked time"),
    "visitor_code_used": (STOP, "访客码已使用过（一次性）",
                          "This visitor code was used already (one entry only)"),
    "visitor_not_entered": (REFER, "访客码未登记入校：请人工核验",
                            "This visitor code never entered: check by hand"),
    "online_teaching": (REFER, "所在班级或年级停课（线上教学）：请核实入校事由",
                        "Class or grade in online teaching: check the reason to enter"),
    "unknown_person": (STOP, "查无此人", "Unknown person"),
    "inactive": (STOP, "此人已不在册", "No longer on the roster"),
    "code_invalid": (STOP, "码无效或已被篡改", "Invalid or tampered code"),
    "code_expired": (REFER, "码已过期：请出示今日码", "Expired code: show today's code"),
    "code_unverified": (REFER, "离线无法核验此码：请人工核验",
                        "Code cannot be checked offline: check by hand"),
}


@dataclass(frozen=True)
class GateFacts:
    direction: str  # in | out
    category: str = "normal"
    # The stored status can be trusted as it stands (apps.status GateStatus.verdict_ready).
    status_current: bool = True
    compliant: bool = True
    temperature: float | None = None  # measured at the gate, °C
    fever_threshold: float = 37.3  # from the school's effective policy
    # Today's latest check-in: None when there is none, else whether it was abnormal.
    checkin_abnormal: bool | None = False
    mode: str = NORMAL  # the school's mode
    online_teaching: bool = False  # the person's class or grade is in online teaching
    # Lives on campus: a boarder, or a staff member recorded as living on campus for the
    # closed-loop period (apps.emergency CampusResident).
    boarder: bool = False
    kind: str = "student"  # student | staff | visitor: only a visitor's mode rule differs
    # Declared (a visitor) or known (travel records) to have been in a risk area lately.
    risk_travel: bool = False


@dataclass(frozen=True)
class Reason:
    code: str
    verdict: str
    zh: str
    en: str


@dataclass(frozen=True)
class Verdict:
    verdict: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    @property
    def primary(self) -> str:
        """The reason that decided the verdict (the first of the most severe)."""
        return self.reasons[0].code if self.reasons else "ok"


def reason(code: str) -> Reason:
    verdict, zh, en = REASONS[code]
    return Reason(code, verdict, zh, en)


def combine(codes: list[str]) -> Verdict:
    """The most severe of the reasons; reasons most severe first, "ok" when there is none."""
    found = [reason(c) for c in dict.fromkeys(codes)] or [reason("ok")]
    found.sort(key=lambda r: -SEVERITY[r.verdict])  # stable: rule order within a severity
    return Verdict(found[0].verdict, tuple(found))


def _temperature(f: GateFacts) -> list[str]:
    if f.temperature is None:
        return ["no_temperature"] if f.direction == IN else []
    if f.temperature >= f.fever_threshold:
        return ["fever" if f.direction == IN else "fever_leaving"]
    return []


def _status(f: GateFacts) -> list[str]:
    codes = []
    if f.category in STAY_AWAY:
        codes.append("status_stay_away" if f.direction == IN else "status_on_campus")
    elif f.category in WATCHED:
        codes.append("key_population_emergency" if f.mode == EMERGENCY else "key_population")
    if not f.compliant:
        codes.append("actions_overdue")
    if not f.status_current:
        codes.append("status_outdated")
    return codes


def _checkin(f: GateFacts) -> list[str]:
    if f.kind == VISITOR and f.direction == IN:  # the visit's declaration is their check-in
        if f.checkin_abnormal is None:
            return ["visitor_no_declaration"]
        return ["visitor_symptoms"] if f.checkin_abnormal else []
    if f.checkin_abnormal is None:
        if f.direction == OUT:
            return []
        return ["no_checkin_emergency" if f.mode == EMERGENCY else "no_checkin"]
    if f.checkin_abnormal:
        return ["checkin_abnormal" if f.direction == IN else "checkin_abnormal_leaving"]
    return []


def _travel(f: GateFacts) -> list[str]:
    return ["risk_area_travel"] if f.risk_travel and f.direction == IN else []


def _mode(f: GateFacts) -> list[str]:
    codes = []
    if f.mode == CLOSED_LOOP and f.boarder and f.direction == OUT:
        codes.append("closed_loop_boarder")
    if f.mode == CLOSED_LOOP and f.kind == VISITOR and f.direction == IN:
        codes.append("closed_loop_visitor")
    if f.direction == IN and (f.online_teaching or f.mode == ONLINE):
        codes.append("online_teaching")
    return codes


RULES = (_temperature, _status, _checkin, _travel, _mode)


def decide(facts: GateFacts, also: tuple[str, ...] = ()) -> Verdict:
    """The verdict for a known, active person (or a visitor), with `also` the reasons found
    before the rules (a visitor's code spent, out of its window...)."""
    return combine([*also, *(code for rule in RULES for code in rule(facts))])


def refused(code: str) -> Verdict:
    """The verdict when there is no one to decide for: unknown person, bad code..."""
    return combine([code])


def worst(*verdicts: str) -> str:
    return max(verdicts, key=SEVERITY.__getitem__)
