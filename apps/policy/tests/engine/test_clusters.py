"""Cluster detection (apps/policy/engine/clusters.py) with the routine pack's parameters:
a table for every rule, then invariants over random cases."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.policy.engine.clusters import Case, detect, lookback_days

from .helpers import pack

D0 = date(2023, 11, 6)


def routine(**changes) -> dict:
    return {**pack("routine").policy().params, **changes}


def case(n, day=0, klass="c1", symptoms=("fever",), diseases=(), dorm="", person=None,
         temperature=None, notifiable=False, last_day=None):
    return Case(id=f"a{n}", person_id=person if person is not None else n,
                day=D0 + timedelta(days=day), klass=klass, dorm=dorm, symptoms=tuple(symptoms),
                diseases=tuple(diseases), temperature=temperature, notifiable=notifiable,
                last_day=last_day)


def found(clusters) -> set[tuple]:
    return {(c.rule, c.kind, c.group_kind, c.group, c.disease, len(c.person_ids))
            for c in clusters}


SAME_DAY = [case(1), case(2), case(3)]
ILI = dict(symptoms=("fever", "cough"), temperature=38.5)
CASES = [
    # (name, cases, expected (rule, kind, group kind, group, disease, people), class sizes)
    ("three with fever in one class on one day", SAME_DAY,
     {("cluster_report", "same_day", "klass", "c1", "", 3)}, {}),
    ("two with fever is not a cluster", SAME_DAY[:2], set(), {}),
    ("one person counted once", [case(1), case(2), case(3, person=1)], set(), {}),
    ("different symptoms are not similar",
     [case(1), case(2, symptoms=("rash",)), case(3, symptoms=("diarrhoea",))], set(), {}),
    ("cough alone is not a cluster symptom",
     [case(n, symptoms=("cough",)) for n in (1, 2, 3)], set(), {}),
    ("three in different classes is no class cluster",
     [case(1, klass="c1"), case(2, klass="c2"), case(3, klass="c3")], set(), {}),
    ("three in one dorm room from different classes",
     [case(1, klass="c1", dorm="r1"), case(2, klass="c2", dorm="r1"),
      case(3, klass="c3", dorm="r1")], {("cluster_report", "same_day", "dorm", "r1", "", 3)}, {}),
    ("five over three consecutive days",
     [case(1, 0), case(2, 0), case(3, 1), case(4, 2), case(5, 2)],
     {("cluster_report", "consecutive_days", "klass", "c1", "", 5)}, {}),
    ("five over four days is not", [case(1, 0), case(2, 0), case(3, 1), case(4, 3),
                                    case(5, 3)], set(), {}),
    ("hand-foot-mouth: two in one class in 7 days",
     [case(1, 0, symptoms=("rash",), diseases=("hfmd",)),
      case(2, 6, symptoms=("rash",), diseases=("hfmd",))],
     {("disease_thresholds", "class_threshold", "klass", "c1", "hfmd", 2)}, {}),
    ("hand-foot-mouth: two in one class 8 days apart is not",
     [case(1, 0, diseases=("hfmd",)), case(2, 7, diseases=("hfmd",))], set(), {}),
    ("hand-foot-mouth: five across the school in 7 days",
     [case(n, n, klass=f"c{n}", symptoms=(), diseases=("hfmd",)) for n in range(5)],
     {("disease_thresholds", "school_threshold", "school", "", "hfmd", 5)}, {}),
    ("measles: two in ten days",
     [case(1, 0, klass="c1", symptoms=(), diseases=("measles",)),
      case(2, 9, klass="c2", symptoms=(), diseases=("measles",))],
     {("disease_thresholds", "school_threshold", "school", "", "measles", 2)}, {}),
    ("measles: two eleven days apart is not",
     [case(1, 0, klass="c1", symptoms=(), diseases=("measles",)),
      case(2, 10, klass="c2", symptoms=(), diseases=("measles",))], set(), {}),
    ("chickenpox: five in 7 days",
     [case(n, n, klass=f"c{n}", symptoms=(), diseases=("chickenpox",)) for n in range(5)],
     {("disease_thresholds", "school_threshold", "school", "", "chickenpox", 5)}, {}),
    ("norovirus: nine is not ten",
     [case(n, 0, klass=f"c{n}", symptoms=(), diseases=("norovirus",)) for n in range(9)],
     set(), {}),
    ("norovirus: ten in 7 days",
     [case(n, n % 7, klass=f"c{n}", symptoms=(), diseases=("norovirus",)) for n in range(10)],
     {("disease_thresholds", "school_threshold", "school", "", "norovirus", 10)}, {}),
    ("influenza-like by definition counts toward the ILI threshold",
     [case(n, n % 7, klass=f"c{n}", **ILI) for n in range(10)],
     {("disease_thresholds", "school_threshold", "school", "", "ili", 10)}, {}),
    ("fever of 37.8 with cough is not influenza-like",
     [case(n, n % 7, klass=f"c{n}", symptoms=("fever", "cough"), temperature=37.8)
      for n in range(10)], set(), {}),
    ("ILI: five new in one class in a day suggests suspension",
     [case(n, 0, symptoms=("cough",), diseases=("ili",)) for n in range(5)],
     {("ili_class_suspension", "daily_new", "klass", "c1", "ili", 5)}, {"c1": 50}),
    ("ILI: 30% of the class ill at once",
     [case(n, n, symptoms=("cough",), diseases=("ili",)) for n in range(3)],
     {("ili_class_suspension", "class_share", "klass", "c1", "ili", 3)}, {"c1": 10}),
    ("ILI: 3 of 11 is under 30%",
     [case(n, n, symptoms=("cough",), diseases=("ili",)) for n in range(3)], set(), {"c1": 11}),
    ("ILI: the returned are no longer ill",
     [case(n, 2 * n, symptoms=("cough",), diseases=("ili",), last_day=D0 + timedelta(days=2 * n))
      for n in range(3)], set(), {"c1": 10}),
    ("a suspected notifiable case is reported at once",
     [case(1, symptoms=("rash",), diseases=("measles",), notifiable=True)],
     {("infectious_case_report", "notifiable", "person", "1", "measles", 1)}, {}),
]


@pytest.mark.parametrize("name,cases,expected,sizes", CASES, ids=[c[0] for c in CASES])
def test_it_finds_the_clusters_of_the_routine_pack(name, cases, expected, sizes):
    assert found(detect(cases, routine(), class_sizes=sizes)) == expected


def test_it_merges_symptoms_of_the_same_people_into_one_cluster():
    cases = [case(n, symptoms=("fever", "vomiting")) for n in (1, 2, 3)]
    (cluster,) = detect(cases, routine())
    assert cluster.symptoms == ("fever", "vomiting")
    assert cluster.case_ids == ("a1", "a2", "a3")
    assert (cluster.start, cluster.end) == (D0, D0)


def test_it_writes_the_reason_in_both_languages_with_the_group_label():
    (cluster,) = detect(SAME_DAY, routine(), labels={("klass", "c1"): "七年级1班"})
    assert cluster.zh == "七年级1班11月6日出现3例发热等相似症状病例，达到聚集性病例报告标准"
    assert cluster.en.startswith("3 cases with similar symptoms (fever) in 七年级1班 on 6 November")


def test_it_keeps_a_growing_cluster_s_start_day():
    before = detect([case(1, 0), case(2, 0), case(3, 1), case(4, 2), case(5, 2)], routine())
    after = detect([case(1, 0), case(2, 0), case(3, 1), case(4, 2), case(5, 2), case(6, 1)],
                   routine())
    late = detect([case(1, 0), case(2, 0), case(3, 1), case(4, 2), case(5, 2), case(6, 3)],
                  routine())
    assert [(c.kind, c.start) for c in before] == [("consecutive_days", D0)]
    assert [(c.kind, c.start, c.end, len(c.case_ids)) for c in after] == [
        ("consecutive_days", D0, D0 + timedelta(days=2), 6)]
    # A case on the fourth day joins only if its own three days hold five.
    assert [len(c.case_ids) for c in late] == [5]


def test_it_suggests_the_pack_s_suspension_days():
    cases = [case(n, 0, symptoms=("cough",), diseases=("ili",)) for n in range(5)]
    (cluster,) = [c for c in detect(cases, routine()) if c.rule == "ili_class_suspension"]
    assert cluster.suggestion == {"suspend_days": 4}


@pytest.mark.parametrize("missing,rule", [
    ("cluster_same_day_cases", "cluster_report"),
    ("ili_suspension_daily_cases", "ili_class_suspension"),
    ("infectious_case_report_at_once", "infectious_case_report"),
])
def test_it_does_not_run_a_rule_whose_parameter_is_missing(missing, rule):
    cases = [case(n, 0, symptoms=("fever", "cough"), diseases=("ili",), notifiable=True)
             for n in range(5)]
    params = {k: v for k, v in routine().items() if k != missing}
    assert rule in {c.rule for c in detect(cases, routine())}
    assert rule not in {c.rule for c in detect(cases, params)}


@pytest.mark.parametrize("cases", [
    SAME_DAY,
    [case(n, 0, symptoms=("fever",), diseases=("measles",), notifiable=True) for n in range(6)],
    [case(n, n % 3, symptoms=("fever", "cough"), diseases=("ili",)) for n in range(12)],
], ids=["same day", "measles", "influenza-like"])
def test_it_finds_under_the_henan_2022_layer_what_routine_finds(cases):
    """The directive's pack is a layer over today's law: its clusters are routine's."""
    under_henan = detect(cases, pack("henan-2022").policy().params)
    assert under_henan  # something to compare
    assert under_henan == detect(cases, pack("routine").policy().params)


def test_it_runs_only_the_enabled_rules():
    assert detect(SAME_DAY, routine(), rules=("disease_thresholds",)) == []


def test_it_follows_a_tightened_parameter():
    assert found(detect(SAME_DAY[:2], routine(cluster_same_day_cases=2))) == {
        ("cluster_report", "same_day", "klass", "c1", "", 2)}


def test_it_looks_back_over_the_longest_window():
    assert lookback_days(routine()) == 10
    assert lookback_days({}) == 7


# ---- invariants ------------------------------------------------------------------------

CHECKS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def random_case(draw, n):
    return Case(
        id=f"a{n}", person_id=draw(st.integers(1, 12)), day=D0 + timedelta(days=draw(
            st.integers(0, 12))),
        klass=draw(st.sampled_from(["c1", "c2", ""])), dorm=draw(st.sampled_from(["r1", ""])),
        symptoms=tuple(draw(st.lists(st.sampled_from(["fever", "rash", "cough", "vomiting"]),
                                     max_size=2, unique=True))),
        diseases=tuple(draw(st.lists(st.sampled_from(["ili", "hfmd", "measles", "mumps"]),
                                     max_size=1))),
        notifiable=draw(st.booleans()),
        temperature=draw(st.sampled_from([None, 37.5, 38.5])),
    )


@st.composite
def case_lists(draw):
    size = draw(st.integers(0, 14))
    return [draw(random_case(n)) for n in range(size)]


def _covered(before, after) -> bool:
    for old in before:
        same = [c for c in after if (c.rule, c.kind, c.group_kind, c.group, c.disease)
                == (old.rule, old.kind, old.group_kind, old.group, old.disease)]
        if not any(set(old.case_ids) <= set(new.case_ids) for new in same):
            return False
    return True


@CHECKS
@given(case_lists(), st.data())
def test_it_never_loses_a_cluster_when_a_case_is_added(cases, data):
    extra = data.draw(random_case(len(cases)))
    sizes = {"c1": 10, "c2": 20}
    before = detect(cases, routine(), class_sizes=sizes)
    after = detect([*cases, extra], routine(), class_sizes=sizes)
    assert _covered(before, after)


@CHECKS
@given(case_lists())
def test_it_never_puts_cases_of_different_classes_in_one_class_cluster(cases):
    by_id = {c.id: c for c in cases}
    for cluster in detect(cases, routine(), class_sizes={"c1": 10, "c2": 20}):
        if cluster.group_kind == "klass":
            assert {by_id[i].klass for i in cluster.case_ids} == {cluster.group}
        if cluster.group_kind == "dorm":
            assert {by_id[i].dorm for i in cluster.case_ids} == {cluster.group}


@CHECKS
@given(case_lists())
def test_it_gives_the_same_clusters_in_any_order(cases):
    assert detect(cases, routine()) == detect(list(reversed(cases)), routine())
