"""The supplies a school keeps, as data (apps/supplies/items.json): each item's key, names,
unit and headcount norm (use per person per day, assumed while the school has no recent use
of it on record). Read once per process."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FILE = Path(__file__).with_name("items.json")


@dataclass(frozen=True)
class Item:
    key: str
    zh: str
    en: str
    unit_zh: str
    unit_en: str
    norm: float  # per person per day
    aliases: tuple[str, ...] = ()  # other names a stocktake sheet may use

    def name(self, language: str) -> str:
        return self.en if language.startswith("en") else self.zh

    def unit(self, language: str) -> str:
        return self.unit_en if language.startswith("en") else self.unit_zh


@cache
def items() -> tuple[Item, ...]:
    data = json.loads(FILE.read_text(encoding="utf-8"))
    return tuple(Item(**{**row, "aliases": tuple(row.get("aliases", ()))})
                 for row in data["items"])


def keys() -> list[str]:
    return [item.key for item in items()]


def get(key: str) -> Item | None:
    return next((item for item in items() if item.key == key), None)


def find(text: str) -> Item | None:
    """An item by its key or either of its names (an office's sheet says 口罩 or Masks)."""
    wanted = str(text or "").strip().lower()
    return next((item for item in items()
                 if wanted in (item.key, item.zh.lower(), item.en.lower(),
                               *(a.lower() for a in item.aliases))), None)
