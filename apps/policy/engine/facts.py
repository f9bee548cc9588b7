"""The engine's contract: what goes in (PersonFacts, Policy) and what comes out (Status).

Pure data, no Django. The Django side (apps.status) loads these facts from the database in
batches and stores the Status it gets back; gate checks, reminders, triggers and testing
read the stored status.

Regions are GB/T 2260 six-digit codes. A code is inside a prefecture when their first four
digits match, inside a province when the first two match (province-administered county-level
cities such as 419001 form a "city" of their own, which is right for the "another city" rule).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class TripLeg:
    from_region: str
    to_region: str
    depart: date
    arrive: date
    transport: str = ""  # train | flight | car | bus | ship | other
    number: str = ""  # train or flight number
    traveller: str = "self"  # "self", or "household" for a day student's co-resident
    approved: bool = False  # a planned trip (PersonFacts.planned_trips) whose approval is granted


@dataclass(frozen=True)
class Exposure:
    kind: str  # case | close_contact | risk_area_person
    on: date
    region: str = ""  # where, when known
    detail: str = ""


@dataclass(frozen=True)
class TestResult:
    taken_at: datetime
    result: str  # negative | positive | pending
    method: str = "pcr"  # pcr | antigen
    pooled: bool = False


@dataclass(frozen=True)
class CheckIn:
    day: date
    slot: str  # morning | noon | evening
    temperature: float | None = None
    symptoms: tuple[str, ...] = ()


# Symptom words a check-in may carry (the routine pack's cluster symptoms, and the
# influenza-like illness definition's cough and sore throat).
SYMPTOMS = ("fever", "cough", "sore_throat", "rash", "diarrhoea", "vomiting", "jaundice")


@dataclass(frozen=True)
class RiskArea:
    region: str  # county (or prefecture/province) code
    level: str  # high | medium | low
    start: date
    end: date | None = None  # None: still designated
    sub_area: str = ""  # street, compound or building; "" means the whole region


@dataclass(frozen=True)
class Regimen:
    """N negative tests in a window, at least some hours apart, each due by a day (see
    apps/policy/engine/regimen.py)."""

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
class RegimenMark:
    """A regimen whose window closed incomplete, as stored, that nothing has cleared yet: the
    person keeps the mark "regimen not completed" until a later test or a recorded decision."""

    id: int
    regimen: Regimen
    done: int  # tests done in the window
    decided: bool = False  # cleared by a recorded decision (with its reason)


@dataclass(frozen=True)
class PersonFacts:
    person_id: int
    school_id: int
    kind: str  # student | staff
    residence: str  # boarder | day
    home_region: str  # residence region code ("" when unknown)
    school_region: str  # the school's county code
    today: date
    now: datetime  # timezone-aware, Asia/Shanghai
    trips: tuple[TripLeg, ...] = ()  # the person's and (traveller="household") co-residents'
    exposures: tuple[Exposure, ...] = ()
    tests: tuple[TestResult, ...] = ()
    checkins: tuple[CheckIn, ...] = ()
    risk_areas: tuple[RiskArea, ...] = ()  # designations in force or recently lifted
    school_mode: str = "normal"  # normal | emergency | closed_loop | online
    # The end of the person's latest isolation record: in force, or ended recently (within the
    # pack's post-isolation monitoring period), so the engine can say "cleared" after it.
    isolated_until: date | None = None
    # Full names of the region codes above, for the reasons' text (the code when missing).
    region_names: dict[str, str] = field(default_factory=dict)
    planned_trips: tuple[TripLeg, ...] = ()  # trips not yet made (cross-province approval)
    # The regimens the person's stored status asked for when it was last computed: one whose
    # window has closed since is given its verdict (apps/policy/engine/regimen.py).
    regimens: tuple[Regimen, ...] = ()
    marks: tuple[RegimenMark, ...] = ()  # regimens closed incomplete and not yet cleared
    # A staff member recorded as living on campus for the closed-loop period: closed-loop
    # rules treat them as a boarder.
    lives_on_campus: bool = False

    def region_name(self, code: str) -> str:
        return self.region_names.get(code) or code


@dataclass(frozen=True)
class Policy:
    """An effective policy: a pack's parameters after the province's choice and the tightening
    overrides of bureaus and schools. `params` maps a parameter name to its value."""

    pack: str  # e.g. "henan-2022"
    version: str
    params: dict[str, Any]
    # The person rules the pack enables; empty: every engine rule whose parameters are all in
    # `params` (so a Policy built by hand from a pack's parameters still runs its rules).
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    rule: str  # the pack's rule id, e.g. "returned_from_other_province"
    zh: str
    en: str


@dataclass(frozen=True)
class Action:
    # test | monitor | no_gathering | quarantine | isolate | approval | report | no_leave
    kind: str
    due: datetime | None = None
    until: date | None = None
    done: bool = False
    detail: dict[str, Any] = field(default_factory=dict)


# Categories from least to most restrictive; a person's status is the most restrictive that
# any rule gives.
CATEGORIES = (
    "normal",
    "cleared",
    "regimen_incomplete",  # a test regimen closed incomplete: a lasting mark until cleared
    "key_population",
    "home_monitoring",
    "home_quarantine",
    "central_quarantine",
    "isolation",
)


@dataclass(frozen=True)
class Status:
    category: str
    until: date | None
    actions: tuple[Action, ...]
    reasons: tuple[Reason, ...]
    compliant: bool  # every action due by now is done
    # The verdicts of regimens closed by now (new ones, and stored marks a late test clears),
    # for the caller to store: apps.status writes marks and follow-ups from them.
    verdicts: tuple["Verdict", ...] = ()


@dataclass(frozen=True)
class Verdict:
    """How a closed regimen ended: complete, or incomplete (then a mark the person keeps,
    unless a test taken after the window closed, `cleared_at`, clears it)."""

    regimen: Regimen
    outcome: str  # complete | incomplete
    done: int
    cleared_at: datetime | None = None  # when the late test that clears the mark was taken
    mark_id: int | None = None  # the stored mark it concerns; None for a regimen just closed


# ---- region codes (GB/T 2260) ------------------------------------------------------------


def same_province(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a[:2] == b[:2]


def same_city(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a[:4] == b[:4]


def region_within(code: str, area: str) -> bool:
    """Whether region `code` lies inside region `area` (a province, prefecture or county)."""
    if not code or not area:
        return False
    if area.endswith("0000"):
        return code[:2] == area[:2]
    if area.endswith("00"):
        return code[:4] == area[:4]
    return code == area
