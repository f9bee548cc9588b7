"""The policy pages, in Chinese by default, with the personas of the test province."""

import pytest
from django.conf import settings
from django.urls import reverse

from apps.policy import selectors
from apps.policy.models import PolicyOverride, ProvincePolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def effective_url(kind, node):
    return reverse("policy:effective", args=[kind, node.pk])


def test_it_shows_the_policy_menu_to_those_who_see_the_org_tree(world, login):
    page = login(world.users["teacher_a1"]).get(reverse("web:home")).content.decode()
    assert reverse("policy:index") in page and "防控政策" in page
    gate = login(world.users["gate_a"]).get(reverse("web:home")).content.decode()
    assert reverse("policy:index") not in gate


def test_it_summarises_a_pack_in_chinese_with_sources_and_unverified_defaults(world, login):
    page = login(world.users["teacher_a1"]).get(reverse("policy:pack", args=["henan-2022"]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "外省返回人员健康监测天数" in text and "key_population_monitoring_days" in text
    assert "未核实的默认值" in text and "已核实" in text
    assert "规则" in text and "两触发" in text or "two_triggers" in text


def test_it_says_which_pack_runs_and_why_routine_by_default(world, login):
    text = login(world.users["jinshui_bureau"]).get(reverse("policy:index")).content.decode()
    assert "routine" in text and 'id="default-pack-note"' in text
    assert 'id="choose-link"' not in text
    assert "金水区教育局" in text and "中原区教育局" not in text


def test_it_shows_where_each_value_came_from(world, henan, tighten, login):
    days = "key_population_monitoring_days"
    tighten("province", world.bureaus["province"], days, 10)
    tighten("jinshui_bureau", world.bureaus["jinshui"], "trigger_response_minutes", 20)
    tighten("school_a_admin", world.schools["a"], "offline_meeting_max_participants", 30,
            reason="礼堂容量")
    page = login(world.users["school_a_admin"]).get(effective_url("school", world.schools["a"]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "有效政策" in text
    for name, shown, origin in [(days, "10", "河南省教育厅"),
                                ("trigger_response_minutes", "20", "金水区教育局"),
                                ("offline_meeting_max_participants", "30", "金水区第一中学")]:
        row = text[text.index(f'id="param-{name}"'):]
        row = row[: row.index("</tr>")]
        assert shown in row and origin in row, name
    assert "礼堂容量" in text and 'id="tighten-form"' in text
    routine = selectors.pack_get("routine")
    assert f"henan-2022 {henan.version} › routine {routine.version}" in text  # top down
    row = text[text.index('id="param-cluster_same_day_cases"'):]
    assert "routine" in row[: row.index("</tr>")]  # today's law, under the directive


def test_it_shows_a_loosening_error_on_the_value_field(world, henan, tighten, login):
    tighten("jinshui_bureau", world.bureaus["jinshui"], "key_population_monitoring_days", 14)
    client = login(world.users["school_a_admin"])
    url = reverse("policy:tighten", args=["school", world.schools["a"].pk])
    response = client.post(url, {"param": "key_population_monitoring_days", "value": "10",
                                 "reason": "试试"})
    text = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_value"' in text and "is-invalid" in text
    assert "金水区教育局" in text and "14" in text
    assert not PolicyOverride.objects.filter(school=world.schools["a"]).exists()
    response = client.post(url, {"param": "key_population_monitoring_days", "value": "十天",
                                 "reason": "试试"})
    assert response.status_code == 400 and "invalid-feedback" in response.content.decode()


def test_it_tightens_from_the_form_and_records_the_change(world, henan, login):
    client = login(world.users["school_a_admin"])
    url = reverse("policy:tighten", args=["school", world.schools["a"].pk])
    response = client.post(url, {"param": "fever_threshold_celsius", "value": "37.0",
                                 "reason": "低龄学生"})
    assert response.status_code == 302
    assert PolicyOverride.objects.get().value == 37.0
    text = client.get(reverse("policy:history")).content.decode()
    assert "fever_threshold_celsius" in text and "低龄学生" in text and "一中防疫办" in text


def test_it_hides_another_countys_nodes_and_overrides(world, henan, tighten, login):
    tighten("jinshui_bureau", world.bureaus["jinshui"], "trigger_response_minutes", 20,
            reason="金水加强")
    client = login(world.users["zhongyuan_bureau"])
    assert client.get(effective_url("bureau", world.bureaus["jinshui"])).status_code == 404
    assert client.get(effective_url("school", world.schools["a"])).status_code == 404
    url = reverse("policy:tighten", args=["bureau", world.bureaus["jinshui"].pk])
    response = client.post(url, {"param": "trigger_response_minutes", "value": "10",
                                 "reason": "越权"})
    assert response.status_code == 404
    override = PolicyOverride.objects.get()
    assert client.post(reverse("policy:override_remove", args=[override.pk])).status_code == 404
    assert "金水加强" not in client.get(reverse("policy:history")).content.decode()
    assert client.get(effective_url("bureau", world.bureaus["zhongyuan"])).status_code == 200


def test_it_shows_a_class_teacher_the_schools_policy_but_no_form(world, henan, login):
    client = login(world.users["teacher_a1"])
    page = client.get(effective_url("school", world.schools["a"])).content.decode()
    assert "外省返回人员健康监测天数" in page and 'id="tighten-form"' not in page
    url = reverse("policy:tighten", args=["school", world.schools["a"].pk])
    response = client.post(url, {"param": "trigger_response_minutes", "value": "10",
                                 "reason": "我想"})
    assert response.status_code == 404
    assert not PolicyOverride.objects.exists()


def test_it_lets_the_province_admin_choose_the_pack(world, login):
    from apps.policy.selectors import pack_get

    client = login(world.users["province"])
    assert 'id="choose-link"' in client.get(reverse("policy:index")).content.decode()
    version = pack_get("henan-2022").version
    response = client.post(reverse("policy:choose"), {"pack": f"henan-2022@{version}",
                                                      "reason": "两触发", "confirmed": "1"})
    assert response.status_code == 302
    assert ProvincePolicy.objects.get().pack_id == "henan-2022"
    stale = client.post(reverse("policy:choose"), {"pack": "routine@0.0.1", "reason": "换",
                                                   "confirmed": "1"})
    assert stale.status_code == 400 and "0.0.1" in stale.content.decode()
    assert login(world.users["jinshui_bureau"]).get(reverse("policy:choose")).status_code == 404


def test_it_speaks_english_when_chosen(world, login):
    client = login(world.users["teacher_a1"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(reverse("policy:pack", args=["henan-2022"])).content.decode()
    assert "Days of health monitoring after a return from another province" in text
    assert "unverified default" in text


def test_it_says_so_when_the_chosen_version_no_longer_matches_the_file(world, henan, login):
    ProvincePolicy.objects.update(pack_version="2021.1")
    client = login(world.users["school_a_admin"])
    index = client.get(reverse("policy:index")).content.decode()
    assert 'id="pack-error"' in index and "2021.1" in index
    page = client.get(effective_url("school", world.schools["a"]))
    assert page.status_code == 200 and "2021.1" in page.content.decode()
    url = reverse("policy:tighten", args=["school", world.schools["a"].pk])
    response = client.post(url, {"param": "trigger_response_minutes", "value": "10",
                                 "reason": "试试"})
    assert response.status_code == 409 and "2021.1" in response.content.decode()


def test_it_marks_a_schools_override_that_a_bureau_has_overtaken(world, henan, tighten, login):
    days = "key_population_monitoring_days"
    tighten("school_a_admin", world.schools["a"], days, 10)
    tighten("jinshui_bureau", world.bureaus["jinshui"], days, 14)
    text = login(world.users["school_a_admin"]).get(
        effective_url("school", world.schools["a"])).content.decode()
    row = text[text.index(f'id="param-{days}"'):]
    row = row[: row.index("</tr>")]
    assert "14" in row and "金水区教育局" in row and "text-warning-emphasis" in row
