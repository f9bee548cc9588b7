"""The checklists are data: the shipped one holds the directive's items, and the pure loader
refuses a file it could not use, saying what is wrong."""

import json

import pytest

from apps.supervision import checklist
from apps.supervision.checklist import ChecklistError, load, parse

GOOD = {"key": "x", "version": 1, "title_zh": "检查", "title_en": "Check",
        "items": [{"code": "plan", "zh": "预案", "en": "Plan", "days": 7}]}


def test_it_ships_the_directives_checklist_with_its_items():
    found = checklist.get("directive-2022")
    assert (found.key, found.version) == ("directive-2022", 1)
    codes = [i.code for i in found.items]
    assert {"task_force", "plan", "drills", "supplies", "daily_checks", "sick_absence",
            "ventilation", "contactless", "closed_loop"} <= set(codes)
    assert "晨午检" in found.item("daily_checks").zh and found.item("nothing") is None
    assert all(1 <= i.days <= checklist.MAX_DAYS for i in found.items)


def test_it_loads_a_file_whose_key_is_its_name(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    assert load(path).items[0].code == "plan"
    (tmp_path / "y.json").write_text(json.dumps(GOOD), encoding="utf-8")
    with pytest.raises(ChecklistError, match="key must be 'y'"):
        load(tmp_path / "y.json")
    (tmp_path / "z.json").write_text("{", encoding="utf-8")
    with pytest.raises(ChecklistError, match="not JSON"):
        load(tmp_path / "z.json")


def _with(**changes):
    data = json.loads(json.dumps(GOOD))
    item = changes.pop("item", None)
    if item is not None:
        data["items"] = [{**data["items"][0], **item}]
    data.update(changes)
    return data


@pytest.mark.parametrize(("data", "message"), [
    ([], "must be an object"),
    (_with(version=0), "version"),
    (_with(version=True), "version"),
    (_with(items=[]), "items must be a non-empty list"),
    (_with(items=["plan"]), r"items\[0\]: must be an object"),
    (_with(item={"code": "Plan!"}), "code 'Plan!'"),
    (_with(item={"days": 0}), "days"),
    (_with(item={"days": 91}), "days"),
    (_with(item={"zh": " "}), "zh must be a non-empty text"),
    (_with(items=[GOOD["items"][0], GOOD["items"][0]]), "repeat: \\['plan'\\]"),
    (_with(title_en=""), "title_en"),
])
def test_it_refuses_a_checklist_it_could_not_use(data, message):
    with pytest.raises(ChecklistError, match=message):
        parse(data, key="x")
