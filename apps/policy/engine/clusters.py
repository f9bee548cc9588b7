"""Cluster detection (聚集性疫情): sick cases of a school in, clusters out. Pure Python.

A case is one sick person on their onset day, from a sick absence or an abnormal check-in,
with where they belong (class, dorm room), their symptoms and suspected diseases. The rules
and their parameters come from the active pack (routine.yaml):

- cluster_report: in one class or dorm room, `cluster_same_day_cases` or more people with a
  similar symptom (fever, rash, diarrhoea, vomiting, jaundice) with onset on one day, or
  `cluster_consecutive_days_cases` or more within `cluster_consecutive_days` consecutive days;
- disease_thresholds: per disease, `<d>_cases` or more in the school (and for hand-foot-mouth
  disease `hfmd_class_cases` in one class) within `<d>_window_days` days;
- ili_class_suspension: a class with `ili_suspension_daily_cases` new influenza-like cases in
  one day, or `ili_suspension_class_percent` % of the class ill at once: a suspension
  suggestion of `ili_suspension_days` days;
- infectious_case_report: a suspected notifiable infectious case is reported at once.

A rule whose parameters are not all in the policy does not run (a pack may leave a rule
out by leaving out its parameters). People are counted once however many cases they have.
Windows that trigger and meet are merged into one episode per rule, group and symptom set
or disease, so a cluster that grows keeps its start day and the caller can match it to the
one it stored before (same rule, kind, group, disease, overlapping window).
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .text import en_date, symptoms_en, symptoms_zh, zh_date

# The similar symptoms of the reporting rules (学校和托幼机构传染病疫情报告工作规范).
CLUSTER_SYMPTOMS = ("fever", "rash", "diarrhoea", "vomiting", "jaundice")
ILI_SYMPTOMS = frozenset({"cough", "sore_throat"})

# Suspected diseases a case may carry (the pack's disease table, then COVID-19 and other).
DISEASES = ("ili", "hfmd", "norovirus", "chickenpox", "mumps", "rubella", "measles",
            "scarlet_fever", "covid19", "other")
DISEASES_ZH = {
    "ili": "流感样病例", "hfmd": "手足口病", "norovirus": "诺如病毒感染", "chickenpox": "水痘",
    "mumps": "流行性腮腺炎", "rubella": "风疹", "measles": "麻疹", "scarlet_fever": "猩红热",
    "covid19": "新型冠状病毒感染", "other": "其他",
}
DISEASES_EN = {
    "ili": "influenza-like illness", "hfmd": "hand-foot-mouth disease",
    "norovirus": "norovirus", "chickenpox": "chickenpox", "mumps": "mumps",
    "rubella": "rubella", "measles": "measles", "scarlet_fever": "scarlet fever",
    "covid19": "COVID-19", "other": "other",
}
# disease -> (window parameter, school count parameter, class count parameter or None)
THRESHOLDS = {
    "hfmd": ("hfmd_window_days", "hfmd_school_cases", "hfmd_class_cases"),
    "norovirus": ("norovirus_window_days", "norovirus_cases", None),
    "ili": ("ili_window_days", "ili_cases", None),
    "chickenpox": ("chickenpox_window_days", "chickenpox_cases", None),
    "mumps": ("mumps_window_days", "mumps_cases", None),
    "rubella": ("rubella_window_days", "rubella_cases", None),
    "measles": ("measles_window_days", "measles_cases", None),
    "scarlet_fever": ("scarlet_fever_window_days", "scarlet_fever_cases", None),
}
GROUP_ZH = {"klass": "班级", "dorm": "宿舍", "school": "全校", "person": "个案"}
GROUP_EN = {"klass": "class", "dorm": "dorm room", "school": "school", "person": "case"}
# An influenza-like case with no recorded return counts as ill for this many days from onset
# (the usual course of influenza), so a forgotten return does not keep a class "ill" forever.
ILL_DAYS_WITHOUT_RETURN = 7


@dataclass(frozen=True)
class Case:
    id: str  # the caller's id, e.g. "a17" (a sick absence) or "c42" (a check-in)
    person_id: int
    day: date  # onset
    klass: str = ""  # the class's key; "" when none
    dorm: str = ""  # the dorm room's key; "" when none
    symptoms: tuple[str, ...] = ()
    diseases: tuple[str, ...] = ()
    notifiable: bool = False  # a suspected notifiable infectious disease
    temperature: float | None = None
    last_day: date | None = None  # the last day absent; None: not back yet


@dataclass(frozen=True)
class Cluster:
    rule: str  # the pack's rule id
    kind: str  # same_day | consecutive_days | school_threshold | class_threshold |
    #            daily_new | class_share | notifiable
    group_kind: str  # klass | dorm | school | person
    group: str  # the class or dorm key, "" for the school, the person id for a case
    disease: str  # a DISEASES code, "" for a symptom cluster
    symptoms: tuple[str, ...]  # the shared symptoms of a symptom cluster
    case_ids: tuple[str, ...]
    person_ids: tuple[int, ...]
    start: date
    end: date
    zh: str
    en: str
    suggestion: dict[str, Any] | None = None  # a class suspension: {"suspend_days": 4}


def is_ili(case: Case, params: Mapping[str, Any]) -> bool:
    """Influenza-like illness: suspected as such, or fever at or above the pack's ILI
    temperature with cough or sore throat."""
    if "ili" in case.diseases:
        return True
    fever = params.get("ili_fever_celsius")
    return (fever is not None and case.temperature is not None and case.temperature >= fever
            and bool(ILI_SYMPTOMS & set(case.symptoms)))


def _has(params: Mapping[str, Any], names: Iterable[str]) -> bool:
    return all(params.get(n) is not None for n in names)


def _enabled(rule: str, rules: Collection[str]) -> bool:
    return not rules or rule in rules


def _episodes(cases: list[Case], window: int, need: int) -> list[tuple[date, date, list[Case]]]:
    """Each run of meeting windows of `window` days holding `need` or more distinct people:
    (first onset, last onset, the cases of the counted people inside the run)."""
    days = sorted({c.day for c in cases})
    runs: list[list[date]] = []
    for first in days:
        last = first + timedelta(days=window - 1)
        inside = [c for c in cases if first <= c.day <= last]
        if len({c.person_id for c in inside}) < need:
            continue
        span = [min(c.day for c in inside), max(c.day for c in inside)]
        if runs and span[0] <= runs[-1][1] + timedelta(days=1):
            runs[-1][1] = max(runs[-1][1], span[1])
        else:
            runs.append(span)
    return [(s, e, [c for c in cases if s <= c.day <= e]) for s, e in runs]


def _group_text(group_kind: str, label: str) -> tuple[str, str]:
    return (label or GROUP_ZH[group_kind]), (label or GROUP_EN[group_kind])


def _when(start: date, end: date) -> tuple[str, str]:
    if start == end:
        return zh_date(start), en_date(start)
    return f"{zh_date(start)}至{zh_date(end)}", f"{en_date(start)} to {en_date(end)}"


def _make(rule, kind, group_kind, group, disease, symptoms, cases, start, end, zh, en,
          suggestion=None) -> Cluster:
    cases = sorted(cases, key=lambda c: (c.day, c.id))
    return Cluster(rule, kind, group_kind, group, disease, tuple(symptoms),
                   tuple(c.id for c in cases), tuple(sorted({c.person_id for c in cases})),
                   start, end, zh, en, suggestion)


def _symptom_clusters(groups, params, labels) -> list[Cluster]:
    """cluster_report: per class or dorm, per similar symptom; the symptoms whose episodes
    meet are one cluster (three children with fever and vomiting are one report)."""
    found = []
    rules = (("same_day", 1, params["cluster_same_day_cases"]),
             ("consecutive_days", params["cluster_consecutive_days"],
              params["cluster_consecutive_days_cases"]))
    for (group_kind, group), cases in sorted(groups.items()):
        for kind, window, need in rules:
            spans = []  # (start, end, symptom, cases)
            for symptom in CLUSTER_SYMPTOMS:
                with_it = [c for c in cases if symptom in c.symptoms]
                spans += [(s, e, symptom, cs) for s, e, cs in _episodes(with_it, window, need)]
            found += _merge_symptom_spans(spans, kind, group_kind, group, labels)
    return found


def _merge_symptom_spans(spans, kind, group_kind, group, labels) -> list[Cluster]:
    merged: list[list] = []  # [start, end, symptoms, cases]
    for start, end, symptom, cases in sorted(spans, key=lambda s: (s[0], s[1])):
        if merged and start <= merged[-1][1]:
            m = merged[-1]
            m[1] = max(m[1], end)
            m[2].add(symptom)
            m[3] |= set(cases)
        else:
            merged.append([start, end, {symptom}, set(cases)])
    clusters = []
    for start, end, symptoms, cases in merged:
        symptoms = tuple(s for s in CLUSTER_SYMPTOMS if s in symptoms)
        people = len({c.person_id for c in cases})
        where_zh, where_en = _group_text(group_kind, labels.get((group_kind, group), ""))
        when_zh, when_en = _when(start, end)
        zh = (f"{where_zh}{when_zh}出现{people}例{symptoms_zh(symptoms)}等相似症状病例，"
              "达到聚集性病例报告标准")
        en = (f"{people} cases with similar symptoms ({symptoms_en(symptoms)}) in {where_en} "
              f"on {when_en}: a cluster to report")
        clusters.append(_make("cluster_report", kind, group_kind, group, "", symptoms, cases,
                              start, end, zh, en))
    return clusters


def _threshold_clusters(cases, params, labels) -> list[Cluster]:
    found = []
    for disease, (window_p, school_p, class_p) in THRESHOLDS.items():
        if not _has(params, (window_p, school_p)):
            continue
        window = params[window_p]
        with_it = [c for c in cases if disease in c.diseases
                   or (disease == "ili" and is_ili(c, params))]
        levels = [("school_threshold", "school", params[school_p], {"": with_it})]
        if class_p and params.get(class_p) is not None:
            by_class = defaultdict(list)
            for c in with_it:
                if c.klass:
                    by_class[c.klass].append(c)
            levels.append(("class_threshold", "klass", params[class_p], by_class))
        for kind, group_kind, need, groups in levels:
            for group, members in sorted(groups.items()):
                for start, end, inside in _episodes(members, window, need):
                    found.append(_threshold(disease, kind, group_kind, group, inside, start,
                                            end, window, labels))
    return found


def _threshold(disease, kind, group_kind, group, cases, start, end, window, labels) -> Cluster:
    people = len({c.person_id for c in cases})
    where_zh, where_en = _group_text(group_kind, labels.get((group_kind, group), ""))
    when_zh, when_en = _when(start, end)
    zh = (f"{where_zh}{when_zh}共{people}例{DISEASES_ZH[disease]}（{window}天内），"
          "达到聚集性疫情阈值")
    en = (f"{people} cases of {DISEASES_EN[disease]} in {where_en} on {when_en} "
          f"(within {window} days): over the cluster threshold")
    return _make("disease_thresholds", kind, group_kind, group, disease, (), cases, start, end,
                 zh, en)


def _ill_on(case: Case, day: date) -> bool:
    last = case.last_day or case.day + timedelta(days=ILL_DAYS_WITHOUT_RETURN - 1)
    return case.day <= day <= last


def _suspension_clusters(cases, params, labels, class_sizes) -> list[Cluster]:
    """ili_class_suspension: per class, a day with enough new influenza-like cases, or a day
    on which enough of the class is ill at once."""
    daily, percent = params["ili_suspension_daily_cases"], params["ili_suspension_class_percent"]
    suggestion = {"suspend_days": params.get("ili_suspension_days")}
    by_class = defaultdict(list)
    for c in cases:
        if c.klass and is_ili(c, params):
            by_class[c.klass].append(c)
    found = []
    for klass, members in sorted(by_class.items()):
        where_zh, where_en = _group_text("klass", labels.get(("klass", klass), ""))
        for start, end, inside in _episodes(members, 1, daily):
            zh = (f"{where_zh}{zh_date(start)}新发{len({c.person_id for c in inside})}例"
                  f"流感样病例，达到停课标准（一天{daily}例）")
            en = (f"{len({c.person_id for c in inside})} new influenza-like cases in "
                  f"{where_en} on {en_date(start)}: suspension threshold ({daily} in one day)")
            found.append(_make("ili_class_suspension", "daily_new", "klass", klass, "ili", (),
                               inside, start, end, zh, en, suggestion))
        size = class_sizes.get(klass, 0)
        if size > 0:
            found += _share_clusters(klass, members, size, percent, where_zh, where_en,
                                     suggestion)
    return found


def _share_clusters(klass, members, size, percent, where_zh, where_en, suggestion):
    ill_days = sorted({c.day for c in members})
    days = [d for d in ill_days
            if 100 * len({c.person_id for c in members if _ill_on(c, d)}) >= percent * size]
    if not days:
        return []
    # One episode for the days the share was reached, from the first case then ill.
    ill = [c for c in members if any(_ill_on(c, d) for d in days)]
    start, end = min(c.day for c in ill), max(days)
    people = len({c.person_id for c in ill})
    zh = (f"{where_zh}流感样病例{people}例，占全班{size}人的{percent}%以上，达到停课标准")
    en = (f"{people} influenza-like cases in {where_en}, {percent}% or more of its {size}: "
          "suspension threshold")
    return [_make("ili_class_suspension", "class_share", "klass", klass, "ili", (), ill, start,
                  end, zh, en, suggestion)]


def _notifiable_clusters(cases, labels) -> list[Cluster]:
    by_person = defaultdict(list)
    for c in cases:
        if c.notifiable:
            by_person[c.person_id].append(c)
    found = []
    for person_id, own in sorted(by_person.items()):
        # A notifiable case with no suspected disease named is "other".
        for disease in sorted({d for c in own for d in (c.diseases or ("other",))}):
            mine = sorted((c for c in own if disease in (c.diseases or ("other",))),
                          key=lambda c: (c.day, c.id))
            start, end = min(c.day for c in mine), max(c.day for c in mine)
            where = ("klass", mine[0].klass) if mine[0].klass else ("school", "")
            where_zh, where_en = _group_text(where[0], labels.get(where, ""))
            name_zh = "" if disease == "other" else DISEASES_ZH[disease]
            name_en = "" if disease == "other" else f" of {DISEASES_EN[disease]}"
            zh = (f"{where_zh}{zh_date(start)}发现疑似{name_zh}（法定传染病）病例，须立即报告")
            en = (f"A suspected notifiable case{name_en} in {where_en} on "
                  f"{en_date(start)}: report at once")
            found.append(_make("infectious_case_report", "notifiable", "person", str(person_id),
                               disease, (), mine, start, end, zh, en))
    return found


def detect(
    cases: Iterable[Case],
    params: Mapping[str, Any],
    *,
    class_sizes: Mapping[str, int] | None = None,
    labels: Mapping[tuple[str, str], str] | None = None,
    rules: Collection[str] = (),
) -> list[Cluster]:
    """Every cluster the cases make under the policy's parameters. `class_sizes` maps a class
    key to its number of people (for the share rule); `labels` maps (group kind, key) to a
    name for the reasons; `rules`, when not empty, the pack rules enabled."""
    cases = list(cases)
    class_sizes, labels = class_sizes or {}, labels or {}
    found: list[Cluster] = []
    if _enabled("cluster_report", rules) and _has(
            params, ("cluster_same_day_cases", "cluster_consecutive_days_cases",
                     "cluster_consecutive_days")):
        groups = defaultdict(list)
        for c in cases:
            if c.klass:
                groups[("klass", c.klass)].append(c)
            if c.dorm:
                groups[("dorm", c.dorm)].append(c)
        found += _symptom_clusters(groups, params, labels)
    if _enabled("disease_thresholds", rules):
        found += _threshold_clusters(cases, params, labels)
    if _enabled("ili_class_suspension", rules) and _has(
            params, ("ili_suspension_daily_cases", "ili_suspension_class_percent")):
        found += _suspension_clusters(cases, params, labels, class_sizes)
    if _enabled("infectious_case_report", rules) and params.get("infectious_case_report_at_once"):
        found += _notifiable_clusters(cases, labels)
    return found


def lookback_days(params: Mapping[str, Any]) -> int:
    """How many days of cases detection needs to see: the longest window of any rule."""
    windows = [params.get("cluster_consecutive_days") or 1, ILL_DAYS_WITHOUT_RETURN]
    windows += [params.get(w) or 1 for w, _s, _c in THRESHOLDS.values()]
    return max(windows)
