"""Lookups by code, by name with context, and the tree around a region."""

import pytest

from apps.core.errors import ValidationFailed
from apps.regions.selectors import (
    region_children,
    region_descendants,
    region_get,
    region_is_within,
    region_resolve,
    regions_by_name,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("code", "expected"), [
    ("410105", "河南省郑州市金水区"),
    ("371200", "山东省莱芜市"),
    ("４１０１０５", "河南省郑州市金水区"),
    ("41", "河南省"),
    ("4101", "河南省郑州市"),
    ("500112", "重庆市渝北区"),
    ("500157", None),
    ("999999", None),
    ("金水区", None),
    ("", None),
])
def test_it_gets_a_region_by_code(regions, code, expected):
    region = region_get(code)
    assert (region.full_name if region else None) == expected


@pytest.mark.parametrize(("code", "ancestor", "inside"), [
    ("410105", "410000", True),
    ("410105", "410100", True),
    ("410105", "410105", True),
    ("410105", "410300", False),
    ("410100", "410105", False),
    ("371200", "370000", True),
    ("371202", "371200", True),
    ("371202", "370000", True),
    ("371202", "370100", False),
    ("419001", "410000", True),
    ("500105", "500000", True),
    ("999999", "410000", False),
    ("410105", "nonsense", False),
])
def test_it_tells_whether_a_region_is_within_another(regions, code, ancestor, inside):
    assert region_is_within(code, ancestor) is inside


def test_it_lists_children_and_descendants(regions):
    zhengzhou = set(region_children("410100").values_list("name", flat=True))
    assert {"金水区", "中原区", "新郑市"} <= zhengzhou
    henan_children = set(region_children("410000").values_list("code", flat=True))
    assert {"410100", "410300", "419001"} <= henan_children
    assert "410105" not in henan_children
    shandong = set(region_descendants("370000").values_list("code", flat=True))
    assert {"370100", "370116", "371200", "371202", "371203"} <= shandong
    assert "370000" not in shandong
    assert not shandong & set(region_descendants("410000").values_list("code", flat=True))
    chongqing = set(region_children("500000").values_list("code", flat=True))
    assert {"500105", "500112"} <= chongqing and "500157" not in chongqing


def test_it_finds_regions_by_name_with_full_names_to_choose_from(regions):
    found = list(regions_by_name("市中区"))
    assert len(found) >= 4
    assert all(r.name == "市中区" for r in found)
    assert "山东省济南市市中区" in {r.full_name for r in found}
    in_shandong = list(regions_by_name("市中区", within="370000"))
    assert {r.code[:2] for r in in_shandong} == {"37"}
    assert len(in_shandong) < len(found)
    jinan = regions_by_name("市中区", within="370100")
    assert [r.full_name for r in jinan] == ["山东省济南市市中区"]


def test_it_puts_exact_and_current_names_first(regions):
    found = list(regions_by_name("钢城区"))
    assert [r.code for r in found] == ["370117", "371203"]
    assert list(regions_by_name("郑州"))[0].code == "410100"
    assert not regions_by_name("   ").exists()


@pytest.mark.parametrize(("text", "code"), [
    ("410105", "410105"),
    ("371200", "371200"),
    ("金水区", "410105"),
    ("郑州市金水区", "410105"),
    ("河南省郑州市金水区", "410105"),
    ("河南郑州金水区", "410105"),
    ("郑州金水", "410105"),
    (" 河南省 郑州市 ", "410100"),
    ("河南", "410000"),
    ("济南市市中区", "370103"),
    ("山东省济南市市中区", "370103"),
    ("莱芜市", "371200"),
    ("山东省莱芜市莱城区", "371202"),
    ("莱芜市钢城区", "371203"),
    ("钢城区", "370117"),
    ("济源市", "419001"),
    ("重庆市江北区", "500105"),
    ("渝北区", "500112"),
])
def test_it_resolves_codes_and_names_with_context(regions, text, code):
    assert region_resolve(text).code == code


@pytest.mark.parametrize(("text", "reason"), [
    ("市中区", "ambiguous_region"),
    ("朝阳区", "ambiguous_region"),
    ("两江新区", "unknown_region"),
    ("500157", "unknown_region"),
    ("洛阳市金水区", "unknown_region"),
    ("不存在县", "unknown_region"),
    ("", "unknown_region"),
])
def test_it_refuses_unknown_or_ambiguous_text(regions, text, reason):
    with pytest.raises(ValidationFailed) as caught:
        region_resolve(text, field="residence_region")
    [error] = caught.value.errors
    assert (error.field, error.reason) == ("residence_region", reason)


def test_it_names_the_candidates_when_ambiguous(regions):
    with pytest.raises(ValidationFailed) as caught:
        region_resolve("朝阳区")
    assert "北京市朝阳区" in caught.value.errors[0].message
    assert region_resolve("朝阳区", within="110000").code == "110105"
    with pytest.raises(ValidationFailed):
        region_resolve("410105", within="370000")
