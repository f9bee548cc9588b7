"""Choosing the pack, tightening and never loosening, and the effective policy's provenance."""

import pytest
from django.http import Http404

from apps.core.errors import ValidationFailed
from apps.orgs.models import School
from apps.policy import selectors
from apps.policy.models import PolicyOverride, ProvincePolicy
from apps.policy.services import (
    policy_choose_pack,
    policy_override_remove,
)

pytestmark = pytest.mark.django_db


def errors_of(exc_info) -> dict:
    return {e.field: e for e in exc_info.value.errors}


# ---- the province's pack ---------------------------------------------------------------


def test_it_runs_the_routine_pack_when_the_province_has_chosen_none(world):
    assert selectors.active_pack("410000").id == "routine"
    assert selectors.effective_policy_for_school(world.schools["a"]).policy.pack == "routine"


def test_it_lets_the_province_admin_choose_a_pack_and_records_who_and_why(world, henan):
    choice = ProvincePolicy.objects.get(province_code="410000")
    assert (choice.pack_id, choice.pack_version) == ("henan-2022", str(henan.version))
    record = choice.history.get()
    assert record.history_user == world.users["province"]
    assert record.history_change_reason == "2022年3月疫情防控"
    assert selectors.active_pack("410000").id == "henan-2022"


@pytest.mark.parametrize("persona", ["jinshui_bureau", "luoyang_bureau", "school_a_admin",
                                     "teacher_a1"])
def test_it_lets_no_one_but_a_province_admin_choose(world, persona):
    with pytest.raises(Http404):
        policy_choose_pack(actor=world.users[persona], province_code="410000",
                           pack_id="henan-2022", reason="试一试")


def test_it_refuses_an_unknown_pack_a_stale_version_and_no_reason(world):
    with pytest.raises(ValidationFailed) as exc:
        policy_choose_pack(actor=world.users["province"], province_code="410000",
                           pack_id="henan-2099", reason="")
    assert {f: e.reason for f, e in errors_of(exc).items()} == {
        "pack_id": "unknown", "reason": "required"}
    with pytest.raises(ValidationFailed) as exc:
        policy_choose_pack(actor=world.users["province"], province_code="410000",
                           pack_id="henan-2022", pack_version="2000.1", reason="复核")
    stale = errors_of(exc)["pack_version"]
    assert stale.reason == "stale" and "2000.1" in stale.message
    assert not ProvincePolicy.objects.exists()


def test_it_says_clearly_when_the_chosen_version_is_no_longer_the_files(world, henan):
    ProvincePolicy.objects.filter(province_code="410000").update(pack_version="2021.1")
    with pytest.raises(selectors.PackOutdated) as exc:
        selectors.active_pack("410000")
    assert "2021.1" in str(exc.value) and str(henan.version) in str(exc.value)


# ---- tighten, never loosen -------------------------------------------------------------

# (parameter, value, accepted): the pack's values are 7 days, 30 minutes, 37.3 °C, true,
# 50 people; "higher" parameters tighten upwards, "lower" ones downwards.
CASES = [
    ("key_population_monitoring_days", 10, True),
    ("key_population_monitoring_days", 7, True),
    ("key_population_monitoring_days", 5, False),
    ("trigger_response_minutes", 20, True),
    ("trigger_response_minutes", 60, False),
    ("fever_threshold_celsius", 37.0, True),
    ("fever_threshold_celsius", 37.5, False),
    ("cross_province_travel_needs_approval", True, True),
    ("cross_province_travel_needs_approval", False, False),
    ("offline_meeting_max_participants", 20, True),
    ("offline_meeting_max_participants", 100, False),
]


@pytest.mark.parametrize(("param", "value", "accepted"), CASES)
def test_it_accepts_tightening_and_refuses_loosening(world, henan, tighten, param, value,
                                                     accepted):
    school = world.schools["a"]
    if accepted:
        tighten("school_a_admin", school, param, value)
        effective = selectors.effective_policy_for_school(school.pk)
        assert effective.policy.params[param] == value
        assert effective.provenance[param][1] == school.name
        return
    with pytest.raises(ValidationFailed) as exc:
        tighten("school_a_admin", school, param, value)
    error = errors_of(exc)["value"]
    assert error.reason == "loosens"
    assert str(henan.parameters[param].value).lower() in error.message.lower()
    assert not PolicyOverride.objects.exists()


def test_it_refuses_an_unknown_parameter_and_a_wrong_type(world, henan, tighten):
    school = world.schools["a"]
    with pytest.raises(ValidationFailed) as exc:
        tighten("school_a_admin", school, "no_such_param", 3)
    assert errors_of(exc)["param"].reason == "unknown"
    with pytest.raises(ValidationFailed) as exc:
        tighten("school_a_admin", school, "key_population_monitoring_days", "ten days")
    assert errors_of(exc)["value"].reason != "loosens"
    with pytest.raises(ValidationFailed) as exc:
        tighten("school_a_admin", school, "key_population_monitoring_days", 10, reason=" ")
    assert errors_of(exc)["reason"].reason == "required"


def test_it_follows_the_chain_province_then_county_and_refuses_a_school_below_the_county(
    world, henan, tighten
):
    days = "key_population_monitoring_days"
    tighten("province", world.bureaus["province"], days, 10)
    tighten("jinshui_bureau", world.bureaus["jinshui"], days, 14)
    with pytest.raises(ValidationFailed) as exc:
        tighten("school_a_admin", world.schools["a"], days, 12)
    error = errors_of(exc)["value"]
    assert error.reason == "loosens"
    assert "14" in error.message and "金水区教育局" in error.message

    a = selectors.effective_policy_for_school(world.schools["a"].pk)
    b = selectors.effective_policy_for_school(world.schools["b"].pk)
    assert a.provenance[days][:2] == (14, "金水区教育局")
    assert b.provenance[days][:2] == (10, "河南省教育厅")
    assert a.provenance["trigger_response_minutes"][1] == "pack"
    # The county may not go below the province either.
    with pytest.raises(ValidationFailed) as exc:
        tighten("jinshui_bureau", world.bureaus["jinshui"], days, 8)
    assert "河南省教育厅" in errors_of(exc)["value"].message


def test_it_lets_a_school_tighten_beyond_its_county(world, henan, tighten):
    days = "key_population_monitoring_days"
    tighten("jinshui_bureau", world.bureaus["jinshui"], days, 10)
    tighten("school_a_admin", world.schools["a"], days, 14)
    assert selectors.effective_policy_for_school(world.schools["a"].pk).policy.params[days] == 14


@pytest.mark.parametrize(("persona", "node"), [
    ("teacher_a1", ("schools", "a")),
    ("unit_lead_a", ("schools", "a")),
    ("reporter_a", ("schools", "a")),
    ("school_b_admin", ("schools", "a")),
    ("zhongyuan_bureau", ("schools", "a")),
    ("zhongyuan_bureau", ("bureaus", "jinshui")),
    ("jinshui_bureau", ("bureaus", "zhengzhou")),
    ("school_a_admin", ("bureaus", "jinshui")),
])
def test_it_lets_only_the_nodes_admins_tighten(world, henan, tighten, persona, node):
    with pytest.raises(Http404):
        tighten(persona, getattr(world, node[0])[node[1]], "key_population_monitoring_days", 10)


def test_it_keeps_a_repeated_submission_as_one_change(world, henan, tighten):
    school = world.schools["a"]
    first = tighten("school_a_admin", school, "key_population_monitoring_days", 10, "加强")
    again = tighten("school_a_admin", school, "key_population_monitoring_days", 10, "加强")
    assert first.pk == again.pk and again.history.count() == 1
    tighten("school_a_admin", school, "key_population_monitoring_days", 12, "再加强")
    assert PolicyOverride.objects.count() == 1 and first.history.count() == 2


def test_it_removes_an_override_and_records_it(world, henan, tighten):
    school = world.schools["a"]
    override = tighten("school_a_admin", school, "key_population_monitoring_days", 10)
    with pytest.raises(Http404):
        policy_override_remove(actor=world.users["school_b_admin"], override=override)
    policy_override_remove(actor=world.users["school_a_admin"], override=override,
                           reason="恢复")
    assert not PolicyOverride.objects.exists()
    removal = PolicyOverride.history.filter(history_type="-").get()
    assert removal.history_user == world.users["school_a_admin"]
    assert removal.history_change_reason == "恢复"
    effective = selectors.effective_policy_for_school(school.pk)
    assert effective.provenance["key_population_monitoring_days"][:2] == (7, "pack")


def test_it_applies_only_the_overrides_of_the_pack_the_province_runs(world, henan, tighten):
    tighten("school_a_admin", world.schools["a"], "key_population_monitoring_days", 10)
    ProvincePolicy.objects.all().delete()  # back to routine, where the parameter is unknown
    effective = selectors.effective_policy_for_school(world.schools["a"].pk)
    assert "key_population_monitoring_days" not in effective.policy.params


def test_it_keeps_the_bases_overrides_under_a_layer_and_after_it(world, tighten):
    """A county's tightening under routine holds when the province adds the henan-2022
    layer, and when the layer is switched off again; the layer's own overrides go with it."""
    from apps.policy.services import policy_choose_pack

    school, jinshui = world.schools["a"].pk, world.bureaus["jinshui"]
    tighten("jinshui_bureau", jinshui, "cluster_same_day_cases", 2)  # under routine

    def choose(pack_id):
        policy_choose_pack(actor=world.users["province"], province_code="410000",
                           pack_id=pack_id, pack_version=str(selectors.pack_get(pack_id).version),
                           reason="疫情形势变化")

    choose("henan-2022")
    under_layer = selectors.effective_policy_for_school(school)
    assert under_layer.policy.params["cluster_same_day_cases"] == 2
    assert under_layer.provenance["cluster_same_day_cases"][1] == jinshui.name
    assert selectors.effective_policies_for_schools([school])[school] == under_layer.policy
    tighten("jinshui_bureau", jinshui, "key_population_tests", 4)  # the layer's own
    tighten("jinshui_bureau", jinshui, "cluster_same_day_cases", 1)  # over its routine one
    assert selectors.effective_policies_for_schools([school])[school].params[
        "cluster_same_day_cases"] == 1

    choose("routine")
    after = selectors.effective_policy_for_school(school).policy
    assert after.params["cluster_same_day_cases"] == 2  # the base's tightening, kept
    assert "key_population_tests" not in after.params
    assert selectors.effective_policies_for_schools([school])[school] == after


# ---- many schools at once --------------------------------------------------------------


def test_it_computes_many_schools_as_each_one_alone_in_a_bounded_number_of_queries(
    world, henan, tighten, django_assert_max_num_queries
):
    from apps.orgs.models import Bureau

    days = "key_population_monitoring_days"
    tighten("province", world.bureaus["province"], days, 9)
    tighten("province", world.bureaus["zhengzhou"], "trigger_response_minutes", 20)
    tighten("jinshui_bureau", world.bureaus["jinshui"], days, 12)
    tighten("school_a_admin", world.schools["a"], "offline_meeting_max_participants", 10)
    extra = [School.objects.create(name=f"金水区第{n}小学", code=f"41010500{n:02d}",
                                   kind="primary", boarding="day", region_id="410105",
                                   bureau=world.bureaus["jinshui"]) for n in range(2, 30)]
    extra += [School.objects.create(name="中原区小学", code="4101020001", kind="primary",
                                    boarding="day", region_id="410102",
                                    bureau=Bureau.objects.get(region_id="410102"))]
    tighten("school_a_admin", world.schools["a"], days, 14)
    ids = [world.schools["a"].pk, world.schools["b"].pk, *(s.pk for s in extra)]
    with django_assert_max_num_queries(6):
        many = selectors.effective_policies_for_schools(ids)
    assert set(many) == set(ids)
    for pk in ids:
        assert many[pk] == selectors.effective_policy_for_school(pk).policy, pk
    assert many[world.schools["a"].pk].params[days] == 14
    assert many[extra[0].pk].params[days] == 12
    assert many[extra[-1].pk].params[days] == 9
    assert many[extra[-1].pk].params["trigger_response_minutes"] == 20
    assert many[world.schools["b"].pk].params["trigger_response_minutes"] == 30


def test_it_reads_one_school_in_a_few_queries_and_once_per_object(
    world, henan, django_assert_max_num_queries
):
    school = School.objects.get(pk=world.schools["a"].pk)
    with django_assert_max_num_queries(3):
        first = selectors.effective_for_school(school)
    with django_assert_max_num_queries(0):
        assert selectors.effective_for_school(school) is first
