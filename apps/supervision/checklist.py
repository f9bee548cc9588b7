"""Inspection checklists as versioned data: `checklists/<key>.json`, one file per version of
a checklist (the directive's items, each with the days a school has to rectify a failure).

Pure Python, no Django: `load(path)` reads and checks one file, `available()` lists those
shipped beside this module. An inspection keeps the key it was planned with and a copy of
each item's titles, so a later version never changes an inspection already made."""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DIRECTORY = Path(__file__).parent / "checklists"
CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_DAYS = 90


class ChecklistError(ValueError):
    """A checklist file that cannot be used, with what is wrong in it."""


@dataclass(frozen=True)
class Item:
    code: str
    zh: str
    en: str
    days: int  # to rectify a failed item


@dataclass(frozen=True)
class Checklist:
    key: str
    version: int
    title_zh: str
    title_en: str
    items: tuple[Item, ...]

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)


def _text(data: dict, name: str, where: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ChecklistError(f"{where}: {name} must be a non-empty text")
    return value.strip()


def _item(data, n: int) -> Item:
    where = f"items[{n}]"
    if not isinstance(data, dict):
        raise ChecklistError(f"{where}: must be an object")
    code = _text(data, "code", where)
    if not CODE.match(code):
        raise ChecklistError(f"{where}: code {code!r} must be lower-case letters, digits, _")
    days = data.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ChecklistError(f"{where}: days must be a whole number from 1 to {MAX_DAYS}")
    return Item(code=code, zh=_text(data, "zh", where), en=_text(data, "en", where), days=days)


def parse(data, *, key: str) -> Checklist:
    """A checklist from its decoded JSON; `key` is the file's name, which it must repeat."""
    if not isinstance(data, dict):
        raise ChecklistError("the checklist must be an object")
    if data.get("key") != key:
        raise ChecklistError(f"key must be {key!r}, the file's name")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ChecklistError("version must be a whole number from 1")
    raw = data.get("items")
    if not isinstance(raw, list) or not raw:
        raise ChecklistError("items must be a non-empty list")
    items = tuple(_item(d, n) for n, d in enumerate(raw))
    codes = [i.code for i in items]
    if len(set(codes)) != len(codes):
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        raise ChecklistError(f"item codes repeat: {repeated}")
    return Checklist(key=key, version=version, title_zh=_text(data, "title_zh", "checklist"),
                     title_en=_text(data, "title_en", "checklist"), items=items)


def load(path: Path) -> Checklist:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ChecklistError(f"{path.name}: not JSON ({exc})") from exc
    return parse(data, key=Path(path).stem)


@cache
def available() -> dict[str, Checklist]:
    """Every checklist shipped, by key."""
    return {c.key: c for c in (load(p) for p in sorted(DIRECTORY.glob("*.json")))}


def get(key: str) -> Checklist | None:
    return available().get(key)
