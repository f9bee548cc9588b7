"""Pack files: the shipped packs hold every rule of the brief; the schema names each problem;
overrides only tighten, and the effective policy says where each value came from."""

import copy

import pytest
import yaml

from apps.policy.engine.facts import Policy
from apps.policy.engine.packs import (
    EffectivePolicy,
    OverrideLayer,
    OverrideRejected,
    PackError,
    apply_overrides,
    available_packs,
    check_override,
    load_pack,
    parse_pack,
)

from .helpers import pack

HENAN = {  # the brief's "Rules (policy packs)", henan-2022
    "trigger_other_province_local_case": True,
    "trigger_home_province_local_case": True,
    "trigger_response_minutes": 30,
    "trace_back_window_days": 14,
    "trace_back_residents": True,
    "trace_back_household": True,
    "key_population_monitoring_days": 7,
    "key_population_tests": 3,
    "key_population_includes_household": True,
    "other_city_no_gathering_days": 7,
    "two_in_three_tests": 2,
    "two_in_three_window_days": 3,
    "two_in_three_min_gap_hours": 24,
    "risk_stay_lookback_days": 7,
    "high_risk_central_quarantine_days": 7,
    "medium_risk_home_quarantine_days": 7,
    "whole_school_testing_days": 2,
    "daily_testing_percent": 20,
    "supplies_min_days_cover": 7,
    "cross_province_travel_needs_approval": True,
    "offline_meetings_need_approval": True,
    "closed_loop_boarders_may_not_leave": True,
    "pool_close_contacts": False,
    "pool_symptomatic": False,
    "concern_response_hours": 24,
    "disinfection_interval_hours_normal": 24,
    "disinfection_interval_hours_emergency": 12,
    "disinfection_interval_hours_closed_loop": 12,
    "ventilation_interval_hours_normal": 8,
    "ventilation_interval_hours_emergency": 4,
    "ventilation_interval_hours_closed_loop": 4,
}
ROUTINE = {
    "morning_check": True,
    "noon_check": True,
    "sick_absence_cause_followup": True,
    "cluster_report_hours": 24,
    "cluster_same_day_cases": 3,
    "cluster_consecutive_days_cases": 5,
    "cluster_consecutive_days": 3,
    "infectious_case_report_at_once": True,
    "ili_fever_celsius": 38.0,
    "ili_suspension_daily_cases": 5,
    "ili_suspension_class_percent": 30,
    "ili_suspension_days": 4,
    "return_after_hours_without_fever": 48,
    "hfmd_window_days": 7, "hfmd_school_cases": 5, "hfmd_class_cases": 2,
    "norovirus_window_days": 7, "norovirus_cases": 10,
    "ili_window_days": 7, "ili_cases": 10,
    "chickenpox_window_days": 7, "chickenpox_cases": 5,
    "mumps_window_days": 7, "mumps_cases": 5,
    "rubella_window_days": 7, "rubella_cases": 5,
    "measles_window_days": 10, "measles_cases": 2,
    "scarlet_fever_window_days": 7, "scarlet_fever_cases": 10,
    "pool_size_max": 20,
    "pool_close_contacts": False,
    "pool_symptomatic": False,
    "concern_response_hours": 48,
}
HENAN_RULES = {
    "two_triggers", "trace_back", "returned_from_other_province",
    "household_returned_from_other_province", "staff_back_from_other_city",
    "risk_area_person_contact", "risk_area_stay", "case_contact", "positive_test", "isolation",
    "isolation_ended", "fever_checkin", "closed_loop", "cross_province_travel_approval",
    "retention",
    "offline_meeting_approval", "whole_school_testing", "pooled_testing", "supplies",
    "disinfection_ventilation",
}
ROUTINE_RULES = {
    "morning_noon_check", "sick_absence_followup", "cluster_report", "infectious_case_report",
    "ili_class_suspension", "disease_thresholds", "pooled_testing", "positive_test",
    "isolation", "isolation_ended", "fever_checkin", "retention",
}


def test_it_ships_both_packs():
    assert set(available_packs()) == {"henan-2022", "routine"}


@pytest.mark.parametrize(("pack_id", "expected", "rules"), [
    # the directive is a layer over today's law: it holds routine's rules as well as its own
    ("henan-2022", {**ROUTINE, **HENAN}, HENAN_RULES | ROUTINE_RULES),
    ("routine", ROUTINE, ROUTINE_RULES),
])
def test_it_holds_every_rule_of_the_brief(pack_id, expected, rules):
    loaded = pack(pack_id)
    assert {name: loaded.parameters[name].value for name in expected} == expected
    assert {r.id for r in loaded.rules} == rules
    assert loaded.title.zh and loaded.title.en and loaded.summary.zh and loaded.summary.en


@pytest.mark.parametrize("pack_id", ["henan-2022", "routine"])
def test_it_names_a_source_and_a_direction_for_every_parameter(pack_id):
    for p in pack(pack_id).parameters.values():
        assert p.source.strip() and p.tighten in ("higher", "lower")
        assert isinstance(p.verified, bool) and p.title.zh and p.title.en


def test_it_marks_defaults_not_in_the_sources_as_unverified():
    henan = pack("henan-2022").parameters
    assert not henan["case_contact_central_quarantine_days"].verified
    assert "第九版" in henan["case_contact_central_quarantine_days"].source
    assert not henan["offline_meeting_max_participants"].verified
    assert henan["key_population_tests"].verified
    assert "2022-03-19至21" in henan["key_population_tests"].source
    assert "2022-03-16" in henan["other_city_no_gathering_days"].source
    routine = pack("routine").parameters
    assert "2006" in routine["cluster_same_day_cases"].source
    assert "2023" in routine["measles_cases"].source


def test_it_gives_the_engine_the_person_rules():
    policy = pack("henan-2022").policy()
    assert isinstance(policy, Policy)
    assert (policy.pack, policy.version) == ("henan-2022", pack("henan-2022").version)
    assert "returned_from_other_province" in policy.rules and "two_triggers" not in policy.rules
    assert set(pack("routine").policy().rules) == {
        "positive_test", "isolation", "isolation_ended", "fever_checkin"}


# ---- the schema ----------------------------------------------------------------------------


def raw(pack_id: str = "henan-2022") -> dict:
    return copy.deepcopy(yaml.safe_load(available_packs()[pack_id].read_text(encoding="utf-8")))


def problems(data, base=None) -> list[tuple[str, str]]:
    """The problems of a pack's data; a layer's base is a shipped pack (`base`: another)."""
    with pytest.raises(PackError) as caught:
        parse_pack(data, base=base or pack)
    return [(where, reason) for where, reason, _ in caught.value.problems]


def test_it_rejects_an_unknown_key():
    data = raw()
    data["parameters"]["key_population_tests"]["maximum"] = 5
    data["colour"] = "red"
    assert problems(data) == [
        ("colour", "unknown_key"), ("parameters.key_population_tests.maximum", "unknown_key")]


def test_it_rejects_a_wrong_type():
    data = raw()
    data["parameters"]["key_population_tests"]["value"] = "three"
    data["parameters"]["closed_loop_boarders_may_not_leave"]["value"] = 1
    data["version"] = 2022.3
    assert problems(data) == [
        ("version", "wrong_type"),
        ("parameters.key_population_tests.value", "wrong_type"),
        ("parameters.closed_loop_boarders_may_not_leave.value", "wrong_type"),
    ]


def test_it_rejects_a_missing_or_unknown_source():
    data = raw()
    del data["parameters"]["key_population_tests"]["source"]
    data["parameters"]["key_population_monitoring_days"]["source"] = "a rumour"
    assert set(problems(data)) == {
        ("parameters.key_population_tests.source", "missing"),
        ("parameters.key_population_monitoring_days.source", "unknown_source"),
    }


def test_it_rejects_a_bad_tighten_and_a_bad_unit():
    data = raw()
    data["parameters"]["key_population_tests"]["tighten"] = "more"
    data["parameters"]["key_population_tests"]["unit"] = "lots"
    assert set(problems(data)) == {
        ("parameters.key_population_tests.tighten", "bad_tighten"),
        ("parameters.key_population_tests.unit", "bad_unit"),
    }


def test_it_rejects_rules_the_engine_cannot_run():
    data = raw()
    data["rules"].append({**data["rules"][2], "id": "moon_phase"})
    data["rules"][2]["params"] = ["key_population_tests"]
    data["rules"][3]["params"] = ["no_such_param"]
    found = problems(data)
    assert ("rules.moon_phase.id", "unknown_rule") in found
    assert ("rules.returned_from_other_province.params", "missing_param") in found
    assert ("rules.household_returned_from_other_province.params", "unknown_param") in found


def test_it_rejects_a_missing_language_and_a_negative_value():
    data = raw("routine")
    del data["title"]["en"]
    data["parameters"]["measles_cases"]["value"] = -2
    assert problems(data) == [("title.en", "missing"), ("parameters.measles_cases.value",
                                                        "negative")]


def test_it_says_where_the_problem_is_in_its_message(tmp_path):
    path = tmp_path / "henan-2022.yaml"
    (tmp_path / "routine.yaml").write_bytes(available_packs()["routine"].read_bytes())  # its base
    data = raw()
    del data["parameters"]["key_population_tests"]["source"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PackError, match=r"parameters\.key_population_tests\.source: missing"):
        load_pack(path)


def test_it_wants_the_id_to_be_the_file_name(tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text(available_packs()["routine"].read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(PackError, match="id: mismatch"):
        load_pack(path)


# ---- overrides ---------------------------------------------------------------------------


def test_it_takes_a_tighter_value_and_says_where_it_came_from():
    henan = pack("henan-2022")
    effective = apply_overrides(henan, [
        OverrideLayer("province", {}),
        OverrideLayer("city:410100", {"key_population_monitoring_days": 10}, "郑州市教育局通知"),
        ("county:410105", {"key_population_monitoring_days": 14, "pool_size_max": 10}),
        ("school:123", {"fever_threshold_celsius": 37.0}),
    ])
    assert isinstance(effective, EffectivePolicy)
    assert effective.policy.params["key_population_monitoring_days"] == 14
    assert effective.provenance["key_population_monitoring_days"] == (
        14, "county:410105", "county:410105")
    assert effective.provenance["fever_threshold_celsius"] == (37.0, "school:123", "school:123")
    assert effective.provenance["key_population_tests"] == (
        3, "pack", henan.parameters["key_population_tests"].source)
    assert effective.policy.rules == henan.person_rules


def test_it_records_the_layer_source_when_given():
    effective = apply_overrides(pack("henan-2022"), [
        OverrideLayer("city:410100", {"other_city_no_gathering_days": 10}, "郑州市教育局通知"),
    ])
    assert effective.provenance["other_city_no_gathering_days"] == (
        10, "city:410100", "郑州市教育局通知")


@pytest.mark.parametrize(("param", "looser"), [
    ("key_population_monitoring_days", 5),  # higher is stricter
    ("offline_meeting_max_participants", 100),  # lower is stricter
    ("fever_threshold_celsius", 37.5),
    ("cross_province_travel_needs_approval", False),  # a flag: on is stricter
    ("pool_close_contacts", True),  # a flag whose stricter side is off
])
def test_it_rejects_a_looser_value(param, looser):
    with pytest.raises(OverrideRejected) as caught:
        apply_overrides(pack("henan-2022"), [("province", {param: looser})])
    assert (caught.value.param, caught.value.reason) == (param, "loosens")


def test_it_checks_each_layer_against_the_one_above():
    with pytest.raises(OverrideRejected) as caught:
        apply_overrides(pack("henan-2022"), [
            ("city:410100", {"key_population_monitoring_days": 10}),
            ("school:1", {"key_population_monitoring_days": 8}),
        ])
    assert caught.value.reason == "loosens"


@pytest.mark.parametrize(("param", "value", "reason"), [
    ("no_such_thing", 1, "unknown"),
    ("key_population_tests", "4", "wrong_type"),
    ("key_population_tests", 3.5, "wrong_type"),
    ("key_population_tests", True, "wrong_type"),
    ("closed_loop_boarders_may_not_leave", 1, "wrong_type"),
    ("offline_meeting_max_participants", -1, "negative"),
])
def test_it_rejects_an_invalid_value(param, value, reason):
    with pytest.raises(OverrideRejected) as caught:
        check_override(pack("henan-2022"), param, value, None)
    assert caught.value.reason == reason


def test_it_checks_an_override_against_the_parent_value():
    henan = pack("henan-2022")
    check_override(henan, "key_population_monitoring_days", 10, 10)  # the same is fine
    check_override(henan, "key_population_monitoring_days", 9, None)  # against the pack's 7
    with pytest.raises(OverrideRejected):
        check_override(henan, "key_population_monitoring_days", 9, 10)
    check_override(henan, "fever_threshold_celsius", 37, 37.3)  # an int for a float parameter


def test_it_keeps_whole_numbers_whole():
    effective = apply_overrides(pack("henan-2022"), [("p", {"key_population_tests": 4.0})])
    assert effective.policy.params["key_population_tests"] == 4
    assert isinstance(effective.policy.params["key_population_tests"], int)


# ---- layers ------------------------------------------------------------------------------


def layer(**changes) -> dict:
    """A small pack over `base` (routine's contents under another name) at version 1."""
    data = {
        "id": "layer", "version": "2", "extends": "base@1",
        "title": {"zh": "麻疹季", "en": "Measles season"},
        "summary": {"zh": "麻疹季的加强措施。", "en": "Measures for a measles season."},
        "sources": {"notice": "某省卫生健康委 麻疹防控通知"},
        "parameters": {"measles_cases": {
            "value": 1, "unit": "cases", "title": {"zh": "麻疹病例数", "en": "Measles cases"},
            "source": "notice", "verified": True, "tighten": "lower"}},
        "rules": [{"id": "pooled_testing", "applies_to": "school", "params": ["pool_size_max"],
                   "title": {"zh": "混采", "en": "Pooling"},
                   "description": {"zh": "5人一管。", "en": "Pools of five."}}],
    }
    data.update(changes)
    return data


def write_packs(folder, *packs: dict) -> None:
    base = raw("routine")
    base.update(id="base", version="1")
    for data in (base, *packs):
        (folder / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                                   encoding="utf-8")


def layer_problems(folder, **changes) -> list[tuple[str, str]]:
    write_packs(folder, layer(**changes))
    with pytest.raises(PackError) as caught:
        load_pack(folder / "layer.yaml")
    return [(where, reason) for where, reason, _ in caught.value.problems]


def test_it_lays_a_pack_over_the_one_it_extends(tmp_path):
    write_packs(tmp_path, layer())
    loaded, base = load_pack(tmp_path / "layer.yaml"), load_pack(tmp_path / "base.yaml")
    assert (loaded.id, loaded.version) == ("layer", "2")
    assert loaded.lineage == (("layer", "2"), ("base", "1")) and loaded.ids == ("layer", "base")
    assert set(loaded.parameters) == set(base.parameters)
    assert loaded.parameters["measles_cases"].value == 1  # tightened from 2
    assert loaded.parameters["measles_cases"].layer == "layer"
    assert loaded.parameters["measles_window_days"].layer == "base"
    assert loaded.sources == {**base.sources, "notice": "某省卫生健康委 麻疹防控通知"}
    rules = {r.id: r for r in loaded.rules}
    assert set(rules) == {r.id for r in base.rules}  # the layer's pooling replaces the base's
    assert (rules["pooled_testing"].layer, rules["pooled_testing"].params) == (
        "layer", ("pool_size_max",))
    assert loaded.policy().rules == base.policy().rules  # the same person rules
    provenance = apply_overrides(loaded, []).provenance
    assert provenance["measles_cases"] == (1, "pack", "某省卫生健康委 麻疹防控通知")


def test_it_adds_a_parameter_the_base_has_not(tmp_path):
    extra = {"value": True, "unit": "flag", "title": {"zh": "晨检查皮疹", "en": "Rash at checks"},
             "source": "notice", "verified": False, "tighten": "higher"}
    write_packs(tmp_path, layer(parameters={"rash_check": extra}))
    loaded = load_pack(tmp_path / "layer.yaml")
    assert loaded.parameters["rash_check"].layer == "layer"
    assert loaded.parameters["measles_cases"].value == 2  # not named again: the base's


@pytest.mark.parametrize(("change", "expected"), [
    ({"value": 3}, ("parameters.measles_cases.value", "loosens")),
    ({"tighten": "higher"}, ("parameters.measles_cases", "conflict")),
    ({"unit": "persons"}, ("parameters.measles_cases", "conflict")),
])
def test_it_refuses_a_layer_that_loosens_or_redefines_a_parameter(tmp_path, change, expected):
    spec = {**layer()["parameters"]["measles_cases"], **change}
    assert layer_problems(tmp_path, parameters={"measles_cases": spec}) == [expected]


def test_it_refuses_a_citation_under_a_key_the_base_uses_otherwise(tmp_path):
    assert layer_problems(tmp_path, sources={"notice": "x", "gb28932": "another"}) == [
        ("sources.gb28932", "conflict")]


@pytest.mark.parametrize(("extends", "reason"), [
    ("base@0.9", "base_moved"),  # the base moved on: the layer must be reviewed
    ("base", "bad_extends"),
    (3, "bad_extends"),
    ("nothing@1", "unknown_pack"),
    ("layer@2", "cycle"),
])
def test_it_refuses_a_layer_over_a_base_it_cannot_have(tmp_path, extends, reason):
    assert layer_problems(tmp_path, extends=extends) == [("extends", reason)]


def test_it_refuses_a_cycle_through_another_pack(tmp_path):
    other = {**layer(), "id": "other", "extends": "layer@2"}
    write_packs(tmp_path, layer(extends="other@2"), other)
    with pytest.raises(PackError, match="cycle"):
        load_pack(tmp_path / "layer.yaml")


def test_it_needs_a_base_to_parse_a_layer():
    with pytest.raises(PackError) as caught:
        parse_pack(layer())
    assert [(w, r) for w, r, _ in caught.value.problems] == [("extends", "no_base")]


def test_it_ships_henan_2022_as_a_layer_over_routine():
    henan, routine = pack("henan-2022"), pack("routine")
    assert henan.ids == ("henan-2022", "routine")
    assert set(routine.parameters) <= set(henan.parameters)
    for name in routine.parameters:  # today's law holds, as strict or stricter
        check_override(routine, name, henan.parameters[name].value, None)
    assert henan.parameters["cluster_same_day_cases"].layer == "routine"
    assert henan.parameters["key_population_tests"].layer == "henan-2022"
