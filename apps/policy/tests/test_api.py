"""The policy API under /api/v1/policy, with the personas of the test province."""

import pytest

from apps.policy.models import PolicyOverride, ProvincePolicy

pytestmark = pytest.mark.django_db
BASE = "/api/v1/policy"


@pytest.fixture
def api(client):
    def call(user, method, path, body=None):
        client.force_login(user)
        send = getattr(client, method)
        if body is None:
            return send(BASE + path)
        return send(BASE + path, body, content_type="application/json")

    return call


def test_it_lists_the_packs_and_shows_one(world, api):
    user = world.users["teacher_a1"]
    ids = [p["id"] for p in api(user, "get", "/packs").json()]
    assert ids == ["henan-2022", "routine"]
    body = api(user, "get", "/packs/henan-2022").json()
    days = next(p for p in body["params"] if p["name"] == "key_population_monitoring_days")
    assert (days["value"], days["unit"], days["tighten"], days["verified"]) == (
        7, "days", "higher", True)
    assert days["title_zh"] == "外省返回人员健康监测天数"
    assert any(r["id"] == "two_triggers" for r in body["rules"])
    assert api(user, "get", "/packs/nope").status_code == 404


def test_it_tightens_refuses_loosening_and_removes(world, henan, api):
    school = world.schools["a"]
    admin = world.users["school_a_admin"]
    body = {"node": "school", "node_id": school.pk, "param": "key_population_monitoring_days",
            "value": 10, "reason": "加强"}
    created = api(admin, "post", "/overrides", body)
    assert created.status_code == 201 and created.json()["value"] == 10
    loosen = api(world.users["province"], "post", "/overrides",
                 {**body, "node": "bureau", "node_id": world.bureaus["province"].pk,
                  "value": 12})
    assert loosen.status_code == 201  # the province tightens more than the school did
    refused = api(admin, "post", "/overrides", {**body, "value": 5})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "value"
    assert refused.json()["errors"][0]["reason"] == "loosens"

    effective = api(world.users["teacher_a1"], "get", f"/effective?school={school.pk}").json()
    row = next(p for p in effective["params"] if p["name"] == "key_population_monitoring_days")
    assert (row["value"], row["layer"], row["pack_value"]) == (12, "河南省教育厅", 7)
    assert row["pack_layer"] == "henan-2022"
    cluster = next(p for p in effective["params"] if p["name"] == "cluster_same_day_cases")
    assert (cluster["value"], cluster["layer"], cluster["pack_layer"]) == (3, "pack", "routine")

    override_id = created.json()["id"]
    assert api(world.users["zhongyuan_bureau"], "delete",
               f"/overrides/{override_id}").status_code == 404
    assert api(admin, "delete", f"/overrides/{override_id}").status_code == 204
    assert not PolicyOverride.objects.filter(school=school).exists()


def test_it_hides_another_countys_school_and_overrides(world, henan, tighten, api):
    tighten("jinshui_bureau", world.bureaus["jinshui"], "trigger_response_minutes", 20)
    other = world.users["zhongyuan_bureau"]
    assert api(other, "get", f"/effective?school={world.schools['a'].pk}").status_code == 404
    assert api(other, "get", "/overrides").json()["items"] == []
    assert len(api(world.users["jinshui_bureau"], "get", "/overrides").json()["items"]) == 1
    body = {"node": "bureau", "node_id": world.bureaus["jinshui"].pk,
            "param": "trigger_response_minutes", "value": 10, "reason": "越权"}
    assert api(other, "post", "/overrides", body).status_code == 404
    assert api(world.users["teacher_a1"], "post", "/overrides",
               {**body, "node": "school", "node_id": world.schools["a"].pk}).status_code == 404


def test_it_lets_the_province_admin_choose(world, api):
    from apps.policy.selectors import pack_get

    version = str(pack_get("henan-2022").version)
    body = {"province_code": "410000", "pack_id": "henan-2022", "pack_version": version,
            "reason": "两触发"}
    assert api(world.users["jinshui_bureau"], "post", "/choose", body).status_code == 404
    response = api(world.users["province"], "post", "/choose", body)
    assert response.status_code == 200 and response.json()["pack_version"] == version
    assert ProvincePolicy.objects.get().pack_id == "henan-2022"
    stale = api(world.users["province"], "post", "/choose", {**body, "pack_version": "1999"})
    assert stale.status_code == 422 and stale.json()["errors"][0]["reason"] == "stale"
